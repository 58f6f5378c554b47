/**
 * The meeting page's "Tài liệu họp" section: the pack as the reader may see it; for the
 * organisers, uploads by drag and drop per agenda item (with progress), new versions,
 * confidentiality, deleting, the watermark setting and publishing; for everyone, the whole published
 * pack kept on the device for offline reading. Documents open in a full-screen viewer. Comments per agenda item and per document.
 */
import { ActionIcon, Alert, Badge, Box, Button, Card, Collapse, FileButton, Group, Loader, Menu, Modal, Stack, Switch, Text, Title } from '@mantine/core';
import '@mantine/dropzone/styles.css';
import { notifications } from '@mantine/notifications';
import { IconDots, IconFiles, IconLock, IconMessageCircle, IconSend, IconTrash, IconUpload } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocComment, MeetingDocument } from '../../../../common/api/documents';
import { apiErrorMessage } from '../../shared/errors';
import { formatDateTime } from '../../shared/time';
import type { MeetingSectionProps } from '../meetings/meeting-sections';
import { useOnMeetingChange } from '../meetings/meeting-watch';
import { CommentThread, withComment } from './Comments';
import { ConfidentialModal } from './ConfidentialModal';
import { DocumentList } from './DocumentList';
import { DocumentReader } from './LazyDocumentReader';
import { PackDownload } from './PackDownload';
import { comments as fetchComments, deleteDocument, publishPack, setPackWatermark, uploadPath, versionUploadPath } from './documents-api';
import { UploadList, UploadZone, useUploads } from './UploadZone';
import { usePack } from './use-pack';

export function PackSection({ meeting, me, changes }: MeetingSectionProps) {
  const { t } = useTranslation();
  const { pack, offline, error, reload, setPack } = usePack(meeting.id);
  const [open, setOpen] = useState<MeetingDocument | null>(null);
  const [access, setAccess] = useState<MeetingDocument | null>(null);
  const [busy, setBusy] = useState(false);
  const [commentList, setComments] = useState<DocComment[]>([]);
  const [showComments, setShowComments] = useState<string | null>(null);
  const { uploads, start, dismiss } = useUploads(() => void reload());

  // Invitees waiting for the pack see it appear the moment it is published (the server's push).
  useOnMeetingChange(changes, ['pack'], () => void reload());

  const readable = Boolean(pack && (pack.published || pack.canManage));
  const [commentsVersion, setCommentsVersion] = useState(0);
  useOnMeetingChange(changes, ['comments'], () => setCommentsVersion((v) => v + 1));
  useEffect(() => {
    if (!readable || offline) return;
    fetchComments(meeting.id).then(setComments, () => undefined);
  }, [meeting.id, readable, offline, pack?.publishedAt, commentsVersion]);

  if (meeting.status === 'cancelled') return null;
  if (error && !pack)
    return (
      <Card withBorder>
        <Alert color="red">{apiErrorMessage(error)}</Alert>
      </Card>
    );
  if (!pack)
    return (
      <Card withBorder>
        <Loader size="sm" aria-label={t('common.loading')} />
      </Card>
    );

  const manage = pack.canManage && !offline;
  const canComment = readable && !offline && meeting.status !== 'ended';
  const publish = async () => {
    setBusy(true);
    try {
      setPack(await publishPack(meeting.id));
      notifications.show({ color: 'green', message: t('documents.published') });
    } catch (err) {
      notifications.show({ color: 'red', message: apiErrorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const toggleWatermark = async (on: boolean) => {
    try {
      setPack(await setPackWatermark(meeting.id, on));
    } catch (err) {
      notifications.show({ color: 'red', message: apiErrorMessage(err) });
    }
  };
  const remove = async (doc: MeetingDocument) => {
    if (!window.confirm(t('documents.confirmDelete', { title: doc.title }))) return;
    try {
      await deleteDocument(doc.id);
      await reload();
    } catch (err) {
      notifications.show({ color: 'red', message: apiErrorMessage(err) });
    }
  };
  const addComment = (c: DocComment) => setComments((l) => withComment(l, c));
  const commentCount = (pred: (c: DocComment) => boolean) => commentList.filter(pred).length;

  return (
    <Card withBorder data-testid="pack-section">
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <IconFiles size={20} aria-hidden />
            <Title order={2} size="h4">
              {t('documents.title')}
            </Title>
            {pack.published ? (
              <Badge color="green" variant="light" data-testid="pack-status">
                {t('documents.publishedAt', { time: formatDateTime(pack.publishedAt!) })}
              </Badge>
            ) : (
              <Badge color="gray" variant="light" data-testid="pack-status">
                {t('documents.notPublished')}
              </Badge>
            )}
            {offline && (
              <Badge color="orange" variant="light">
                {t('documents.offline.badge')}
              </Badge>
            )}
          </Group>
          {manage && !pack.published && (
            <Button leftSection={<IconSend size={16} />} loading={busy} onClick={() => void publish()} data-testid="publish-pack">
              {t('documents.publish')}
            </Button>
          )}
        </Group>
        {readable && pack.published && <PackDownload pack={pack} offline={offline} />}
        {manage && <Switch checked={pack.watermark} onChange={(e) => void toggleWatermark(e.currentTarget.checked)} label={t('documents.watermarkAll')} description={t('documents.watermarkAllHint')} />}
        {!readable ? (
          <Text size="sm" c="dimmed" data-testid="pack-not-published">
            {t('documents.waitForPublish')}
          </Text>
        ) : (
          <DocumentList
            pack={pack}
            onOpen={setOpen}
            docActions={(doc) => (
              <>
                {canComment && (
                  <ActionIcon variant="subtle" aria-label={t('documents.comments.forDocument', { title: doc.title })} onClick={() => setShowComments((s) => (s === doc.id ? null : doc.id))}>
                    <IconMessageCircle size={18} />
                    <Text size="xs">{commentCount((c) => c.documentId === doc.id) || ''}</Text>
                  </ActionIcon>
                )}
                {manage && (
                  <Menu position="bottom-end">
                    <Menu.Target>
                      <ActionIcon variant="subtle" aria-label={t('documents.manageNamed', { title: doc.title })} data-testid="document-menu">
                        <IconDots size={18} />
                      </ActionIcon>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <FileButton onChange={(f) => f && start(versionUploadPath(doc.id), [f])} accept="application/pdf">
                        {(p) => (
                          <Menu.Item {...p} leftSection={<IconUpload size={16} />} closeMenuOnClick={false}>
                            {t('documents.newVersion')}
                          </Menu.Item>
                        )}
                      </FileButton>
                      <Menu.Item leftSection={<IconLock size={16} />} onClick={() => setAccess(doc)}>
                        {t('documents.access.menu')}
                      </Menu.Item>
                      <Menu.Item leftSection={<IconTrash size={16} />} color="red" onClick={() => void remove(doc)}>
                        {t('common.delete')}
                      </Menu.Item>
                    </Menu.Dropdown>
                  </Menu>
                )}
              </>
            )}
            itemFooter={(item) => (
              <Stack gap={6}>
                {pack.items
                  .find((i) => i.agendaItemId === item.agendaItemId)
                  ?.documents.filter((d) => d.id === showComments)
                  .map((d) => (
                    <Box key={d.id} pl="md">
                      <Text size="xs" fw={600}>
                        {t('documents.comments.forDocument', { title: d.title })}
                      </Text>
                      <CommentThread meetingId={meeting.id} target={{ documentId: d.id }} comments={commentList} onAdded={addComment} canWrite={canComment} />
                    </Box>
                  ))}
                {manage && item.agendaItemId && <UploadZone label={t('documents.upload.dropFor', { title: item.title })} onFiles={(files) => start(uploadPath(meeting.id, item.agendaItemId!), files)} />}
                {item.agendaItemId && canComment && <ItemComments meetingId={meeting.id} agendaItemId={item.agendaItemId} comments={commentList} onAdded={addComment} />}
              </Stack>
            )}
          />
        )}
        {pack.items.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('documents.noAgenda')}
          </Text>
        )}
        <UploadList uploads={uploads} dismiss={dismiss} />
      </Stack>
      {access && (
        <ConfidentialModal
          doc={access}
          canListPeople={me.role === 'admin' || me.role === 'secretary'}
          onClose={() => setAccess(null)}
          onSaved={() => {
            setAccess(null);
            void reload();
          }}
        />
      )}
      <Modal opened={open !== null} onClose={() => setOpen(null)} fullScreen title={open?.title} padding={0} styles={{ body: { height: 'calc(100dvh - 60px)' }, header: { paddingInline: 16 } }}>
        {open && (
          <Box h="100%">
            <DocumentReader meetingId={meeting.id} doc={open} />
          </Box>
        )}
      </Modal>
    </Card>
  );
}

function ItemComments({ meetingId, agendaItemId, comments, onAdded }: { meetingId: string; agendaItemId: string; comments: DocComment[]; onAdded: (c: DocComment) => void }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const n = comments.filter((c) => c.agendaItemId === agendaItemId && !c.documentId).length;
  return (
    <Box>
      <Button size="compact-xs" variant="subtle" leftSection={<IconMessageCircle size={14} />} onClick={() => setOpened((o) => !o)} aria-expanded={opened}>
        {t('documents.comments.onItem', { count: n })}
      </Button>
      <Collapse expanded={opened}>
        <Box pl="md" pt={4}>
          <CommentThread meetingId={meetingId} target={{ agendaItemId }} comments={comments} onAdded={onAdded} canWrite />
        </Box>
      </Collapse>
    </Box>
  );
}
