/**
 * A meeting's documents to sign (a MEETING_SECTIONS entry): each version with its status and who
 * signed it; the organisers put up a PDF or a new version; the chair and the secretary sign; anyone
 * who sees the meeting can check the signatures and download the signed PDF.
 */
import { Alert, Anchor, Badge, Button, Card, FileInput, Group, Modal, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconDownload, IconFilePlus, IconShieldSearch, IconSignature } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SignedDocument, VerificationReport } from '../../../../common/api/signing';
import { FormFooter } from '../../shared/FormFooter';
import { apiErrorMessage } from '../../shared/errors';
import { useAsync } from '../../shared/use-async';
import type { MeetingSectionProps } from '../meetings/meeting-sections';
import { useOnMeetingChange } from '../meetings/meeting-watch';
import { SignaturePanel, formatVietnamTime } from './SignaturePanel';
import { SignDialog } from './LazySignDialog';
import { signingApi } from './signing-api';

const STATUS_COLOR = { unsigned: 'gray', partially_signed: 'yellow', signed: 'green', superseded: 'dark' } as const;

function UploadDialog({ meetingId, base, opened, onClose, onDone }: { meetingId: string; base: SignedDocument | null; opened: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await signingApi.upload(meetingId, file, (base?.title ?? title).trim() || file.name, base?.documentKey);
      setFile(null);
      setTitle('');
      onDone();
    } catch (err) {
      const reason = (err as { details?: { reason?: string } }).details?.reason;
      setError(reason === 'minutes_rule' ? t('signing.reasons.minutes_rule') : apiErrorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={base ? t('signing.docs.newVersionOf', { title: base.title }) : t('signing.docs.add')}>
      <form onSubmit={(e) => void submit(e)}>
        <Stack>
          {base && <Alert color="yellow">{t('signing.docs.newVersionHint')}</Alert>}
          {!base && <TextInput label={t('signing.docs.docTitle')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required maxLength={300} />}
          <FileInput label={t('signing.docs.pdfFile')} accept="application/pdf,.pdf" value={file} onChange={setFile} required clearable />
          <FormFooter error={error} busy={busy} onCancel={onClose} submitLabel={t('signing.docs.upload')} />
        </Stack>
      </form>
    </Modal>
  );
}

export function MeetingSignedDocuments({ meeting, me, changes }: MeetingSectionProps) {
  const { t, i18n } = useTranslation();
  const docs = useAsync(() => signingApi.documents(meeting.id), [meeting.id]);
  // A new version or a signature made elsewhere shows at once.
  useOnMeetingChange(changes, ['signatures'], () => void docs.reload());
  const [signing, setSigning] = useState<SignedDocument | null>(null);
  const [upload, setUpload] = useState<{ base: SignedDocument | null } | null>(null);
  const [checked, setChecked] = useState<Record<string, { report?: VerificationReport; error?: unknown }>>({});
  const canAdd = meeting.can.transition && meeting.status !== 'cancelled';
  const list = docs.data ?? [];
  if (!canAdd && list.length === 0 && !docs.error) return null;

  const check = async (doc: SignedDocument) => {
    setChecked((c) => ({ ...c, [doc.id]: {} }));
    try {
      const report = await signingApi.verification(doc.id);
      setChecked((c) => ({ ...c, [doc.id]: { report } }));
    } catch (error) {
      setChecked((c) => ({ ...c, [doc.id]: { error } }));
    }
  };
  const download = async (doc: SignedDocument) => {
    window.location.assign(await signingApi.fileUrl(doc.id));
  };
  const roleTitle = me.id === meeting.chairId ? t('signing.role.chair') : t('signing.role.secretary');

  return (
    <Card withBorder radius="md" p="md" data-testid="signed-documents">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {t('signing.docs.title')}
        </Title>
        {canAdd && (
          <Button size="xs" variant="light" leftSection={<IconFilePlus size={16} />} onClick={() => setUpload({ base: null })}>
            {t('signing.docs.add')}
          </Button>
        )}
      </Group>
      {docs.error ? (
        <Alert color="red">{apiErrorMessage(docs.error)}</Alert>
      ) : list.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('signing.docs.empty')}
        </Text>
      ) : (
        <Stack gap="sm">
          {list.map((doc) => (
            <Card key={doc.id} withBorder radius="sm" p="sm" opacity={doc.status === 'superseded' ? 0.6 : 1} data-testid="signed-document">
              <Group justify="space-between" align="flex-start">
                <Stack gap={2}>
                  <Text fw={600}>{doc.title}</Text>
                  <Group gap="xs">
                    <Badge variant="light" color="blue">
                      {t('signing.docs.version', { version: doc.version })}
                    </Badge>
                    <Badge variant="light" color={STATUS_COLOR[doc.status]} data-testid="signed-document-status">
                      {t(`signing.status.${doc.status}`)}
                    </Badge>
                  </Group>
                  {doc.signatures.map((s) => (
                    <Text size="sm" key={s.signerRole}>
                      {t('signing.docs.signedBy', { role: t(`signing.role.${s.signerRole}`), name: s.displayName, cert: s.certificateSubject, time: formatVietnamTime(s.signedAt, i18n.language) })}
                    </Text>
                  ))}
                </Stack>
                <Group gap="xs">
                  {doc.can.sign && (
                    <Button size="xs" leftSection={<IconSignature size={16} />} onClick={() => setSigning(doc)}>
                      {t('signing.docs.sign')}
                    </Button>
                  )}
                  <Button size="xs" variant="default" leftSection={<IconShieldSearch size={16} />} onClick={() => void check(doc)}>
                    {t('signing.docs.check')}
                  </Button>
                  <Button size="xs" variant="default" leftSection={<IconDownload size={16} />} onClick={() => void download(doc)} aria-label={t('signing.docs.download', { title: doc.title })}>
                    PDF
                  </Button>
                  {doc.can.newVersion && doc.status !== 'superseded' && (
                    <Anchor component="button" type="button" size="sm" onClick={() => setUpload({ base: doc })}>
                      {t('signing.docs.newVersion')}
                    </Anchor>
                  )}
                </Group>
              </Group>
              {checked[doc.id] && (
                <Stack mt="sm">
                  <SignaturePanel report={checked[doc.id]!.report} loading={!checked[doc.id]!.report && !checked[doc.id]!.error} error={checked[doc.id]!.error ?? null} />
                </Stack>
              )}
            </Card>
          ))}
        </Stack>
      )}
      <SignDialog
        document={signing}
        defaultTitle={roleTitle}
        onClose={() => setSigning(null)}
        onSigned={(doc) => {
          setSigning(null);
          docs.setData(list.map((d) => (d.id === doc.id ? doc : d)));
          void check(doc);
        }}
      />
      <UploadDialog
        meetingId={meeting.id}
        base={upload?.base ?? null}
        opened={upload !== null}
        onClose={() => setUpload(null)}
        onDone={() => {
          setUpload(null);
          void docs.reload();
        }}
      />
    </Card>
  );
}
