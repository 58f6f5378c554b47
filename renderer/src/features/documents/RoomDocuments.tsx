/**
 * Documents in the conference room: the "Tài liệu" side panel (agenda items with their
 * documents, presenting, the chair's designation of a presenter, comments) and the viewer over the
 * video grid (following the presenter, or browsing freely with "back to the presenter"), with the
 * person speaking kept in view in a small movable tile (SpeakerTile).
 */
import { Alert, Box, Button, Group, Paper, Select, Stack, Text } from '@mantine/core';
import { IconPresentation, IconPresentationOff, IconX } from '@tabler/icons-react';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/errors';
import { useAccount } from '../auth/session';
import type { RoomFeatureProps } from '../conference/room-panels';
import { useConferenceShallow } from '../conference/use-conference';
import { CommentThread } from './Comments';
import { DocumentList } from './DocumentList';
import { DocumentReader } from './LazyDocumentReader';
import { roomDocumentsOf, type RoomDocuments } from './room-documents';
import { SpeakerTile } from './SpeakerTile';

export function useRoomDocuments({ engine, meetingId }: RoomFeatureProps): { store: RoomDocuments; state: ReturnType<RoomDocuments['getSnapshot']> } {
  const me = useAccount();
  const store = roomDocumentsOf(engine, meetingId, me.id);
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { store, state };
}

/** "Tài liệu": the pack of the meeting, by agenda item. */
export function RoomDocumentsPanel(props: RoomFeatureProps) {
  const { t } = useTranslation();
  const { store, state } = useRoomDocuments(props);
  const conference = useConferenceShallow(props.engine, (s) => ({ peers: s.peers }));
  const [commentsFor, setCommentsFor] = useState<string | null>(null);
  const p = state.presentation.presentation;
  const pack = state.pack;

  if (state.packError && !pack) return <Alert color="red">{errorMessage(state.packError)}</Alert>;
  if (!pack) return <Text size="sm">{t('common.loading')}</Text>;
  if (!pack.published && !pack.canManage)
    return (
      <Text size="sm" c="dimmed" data-testid="pack-not-published">
        {t('documents.waitForPublish')}
      </Text>
    );

  return (
    <Stack gap="sm" data-testid="room-documents">
      {state.offline && <Alert color="orange">{t('documents.offline.badge')}</Alert>}
      {p && (
        <Paper withBorder p="xs" bg="blue.0">
          <Text size="sm" data-testid="presentation-status">
            {p.presenterAccountId === store.accountId ? t('documents.present.youArePresenting', { page: p.page }) : t('documents.present.someoneIsPresenting', { name: p.presenterName, page: p.page })}
          </Text>
          {p.presenterAccountId !== store.accountId && !state.following && (
            <Button size="compact-xs" mt={4} onClick={() => store.follow()}>
              {t('documents.present.backToPresenter')}
            </Button>
          )}
          {(p.presenterAccountId === store.accountId || state.mayPresent) && (
            <Button size="compact-xs" mt={4} ml={4} color="red" variant="light" leftSection={<IconPresentationOff size={14} />} onClick={() => void store.stopPresenting()} data-testid="stop-presenting">
              {t('documents.present.stop')}
            </Button>
          )}
        </Paper>
      )}
      {state.mayDesignate && (
        <Select
          size="xs"
          label={t('documents.present.designate')}
          clearable
          value={state.presentation.designatedAccountId}
          onChange={(v) => void store.designate(v)}
          data={conference.peers.filter((x, i, all) => all.findIndex((y) => y.info.accountId === x.info.accountId) === i).map((x) => ({ value: x.info.accountId, label: x.info.pointName || x.info.displayName }))}
          placeholder={t('documents.present.nobody')}
          data-testid="designate-presenter"
        />
      )}
      {state.error ? (
        <Alert color="red" withCloseButton={false}>
          {errorMessage(state.error)}
        </Alert>
      ) : null}
      <DocumentList
        pack={pack}
        compact
        openId={state.open?.documentId}
        onOpen={(doc) => store.open(doc)}
        docActions={(doc) =>
          store.canPresent && !(p?.documentId === doc.id && p.presenterAccountId === store.accountId) ? (
            <Button size="compact-sm" variant="filled" leftSection={<IconPresentation size={14} />} onClick={() => void store.present(doc)} aria-label={t('documents.present.presentNamed', { title: doc.title })} data-testid="present-document">
              {t('documents.present.present')}
            </Button>
          ) : null
        }
        itemFooter={(item) =>
          item.agendaItemId && !state.offline ? (
            <Box>
              <Button size="compact-xs" variant="subtle" onClick={() => setCommentsFor((c) => (c === item.agendaItemId ? null : item.agendaItemId))} aria-expanded={commentsFor === item.agendaItemId}>
                {t('documents.comments.onItem', { count: state.comments.filter((c) => c.agendaItemId === item.agendaItemId && !c.documentId).length })}
              </Button>
              {commentsFor === item.agendaItemId && <CommentThread meetingId={props.meetingId} target={{ agendaItemId: item.agendaItemId }} comments={state.comments} onAdded={(c) => store.addComment(c)} canWrite />}
            </Box>
          ) : null
        }
      />
    </Stack>
  );
}

/** Where the viewer goes: over the main area of the room (the video grid), beside any open side panel. */
function useMainArea(): DOMRect | null {
  const [rect, setRect] = useState<DOMRect | null>(null);
  useEffect(() => {
    let ro: ResizeObserver | null = null;
    let observed: Element | null = null;
    const measure = () => {
      const area = document.querySelector('[data-testid="video-grid"]')?.parentElement ?? null;
      if (area !== observed) {
        ro?.disconnect();
        observed = area;
        if (area) {
          ro = new ResizeObserver(measure);
          ro.observe(area);
        }
      }
      const r = area?.getBoundingClientRect() ?? null;
      setRect((old) => (old && r && old.x === r.x && old.y === r.y && old.width === r.width && old.height === r.height ? old : r));
    };
    measure();
    const timer = setInterval(measure, 1000);
    window.addEventListener('resize', measure);
    return () => {
      clearInterval(timer);
      window.removeEventListener('resize', measure);
      ro?.disconnect();
    };
  }, []);
  return rect;
}

/** The viewer over the room, when a document is open (by the reader or by following the presenter). */
export function RoomDocumentViewer(props: RoomFeatureProps) {
  const { t } = useTranslation();
  const { store, state } = useRoomDocuments(props);
  const rect = useMainArea();
  const open = state.open;
  if (!open || !rect) return null;
  const doc = store.documentById(open.documentId);
  const p = state.presentation.presentation;
  const presenting = p?.presenterAccountId === store.accountId && p.documentId === open.documentId && p.versionId === open.versionId;
  const followed = p && !presenting && p.documentId === open.documentId && p.versionId === open.versionId;

  const banner = p ? (
    <Group gap="xs" px="sm" py={4} bg={presenting ? 'green.0' : state.following ? 'blue.0' : 'yellow.0'} data-testid="viewer-banner" role="status">
      <Text size="sm">
        {presenting
          ? t('documents.present.youArePresenting', { page: p.page })
          : state.following && followed
            ? t('documents.present.following', { name: p.presenterName, page: p.page })
            : t('documents.present.browsing', { name: p.presenterName, page: p.page })}
      </Text>
      {!presenting && !(state.following && followed) && p.presenterAccountId !== store.accountId && (
        <Button size="compact-xs" onClick={() => store.follow()} data-testid="back-to-presenter">
          {t('documents.present.backToPresenter')}
        </Button>
      )}
      {presenting && (
        <Button size="compact-xs" color="red" variant="light" onClick={() => void store.stopPresenting()}>
          {t('documents.present.stop')}
        </Button>
      )}
    </Group>
  ) : null;

  const actions = (
    <Group gap={4} wrap="nowrap">
      {doc && store.canPresent && !presenting && (
        <Button size="compact-sm" leftSection={<IconPresentation size={14} />} onClick={() => void store.present(doc, open.versionId)} data-testid="viewer-present">
          {t('documents.present.present')}
        </Button>
      )}
      <Button size="compact-sm" variant="default" leftSection={<IconX size={14} />} onClick={() => store.close()} data-testid="viewer-close">
        {t('common.close')}
      </Button>
    </Group>
  );

  return (
    <Paper
      shadow="md"
      style={{ position: 'fixed', left: rect.left, top: rect.top, width: rect.width, height: rect.height, zIndex: 4, display: 'flex', flexDirection: 'column' }}
      aria-label={doc ? t('documents.viewer.label', { title: doc.title }) : t('documents.title')}
      role="region"
      data-testid="room-document-viewer"
    >
      <SpeakerTile engine={props.engine} />
      {doc ? (
        <Box style={{ flex: 1, minHeight: 0 }}>
          <DocumentReader meetingId={props.meetingId} doc={doc} versionId={open.versionId} onVersionChange={(v) => store.setVersion(v)} target={state.target ?? undefined} onPageChange={store.onPageChange} banner={banner} actions={actions} />
        </Box>
      ) : (
        <Stack p="md">
          {banner}
          <Alert color="orange">{state.pack ? t('documents.present.notAllowed') : t('common.loading')}</Alert>
          <Group>{actions}</Group>
        </Stack>
      )}
    </Paper>
  );
}
