/**
 * The minutes on the meeting page (a MEETING_SECTIONS entry), for the meeting's chair and
 * secretary only: the conclusions' shared editor, a preview of the whole record, and "produce the
 * PDF", which puts a new version up for both of them to sign in the documents-to-sign section.
 */
import { Alert, Button, Card, Group, Loader, Modal, Stack, Text, Title } from '@mantine/core';
import { IconEye, IconFileTypePdf } from '@tabler/icons-react';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MinutesRecord } from '../../../../common/api/minutes';
import { apiErrorMessage } from '../../shared/errors';
import type { MeetingSectionProps } from '../meetings/meeting-sections';
import { minutesApi } from './minutes-api';
import { MinutesPreview } from './MinutesPreview';

const OPEN = ['published', 'live', 'ended'];

/** The editor (tiptap, ProseMirror) is loaded only by the two people who see it. */
const ConclusionsEditor = lazy(() => import('./ConclusionsEditor').then((m) => ({ default: m.ConclusionsEditor })));

export function MinutesSection({ meeting, me }: MeetingSectionProps) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<MinutesRecord | null>(null);
  const [busy, setBusy] = useState<'preview' | 'produce' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [produced, setProduced] = useState<number | null>(null);
  if ((me.id !== meeting.chairId && me.id !== meeting.secretaryId) || !OPEN.includes(meeting.status)) return null;

  const run = async (what: 'preview' | 'produce') => {
    setBusy(what);
    setError(null);
    try {
      if (what === 'preview') {
        setPreview((await minutesApi.draft(meeting.id)).record);
      } else {
        const doc = await minutesApi.produce(meeting.id);
        setProduced(doc.version);
      }
    } catch (err) {
      setError(apiErrorMessage(err));
    } finally {
      setBusy(null);
    }
  };
  const openPdf = async () => window.open(await minutesApi.previewUrl(meeting.id), '_blank', 'noopener');

  return (
    <Card withBorder radius="md" p="md" data-testid="minutes">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('minutes.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('minutes.hint')}
        </Text>
        <Suspense fallback={<Loader size="sm" />}>
          <ConclusionsEditor meetingId={meeting.id} accountId={me.id} />
        </Suspense>
        {error && <Alert color="red">{error}</Alert>}
        {produced !== null && (
          <Alert color="green" data-testid="minutes-produced">
            {t('minutes.produced', { version: produced })}
          </Alert>
        )}
        <Group gap="xs">
          <Button variant="default" leftSection={<IconEye size={16} />} loading={busy === 'preview'} onClick={() => void run('preview')}>
            {t('minutes.preview.open')}
          </Button>
          <Button leftSection={<IconFileTypePdf size={16} />} loading={busy === 'produce'} onClick={() => void run('produce')}>
            {t('minutes.produce')}
          </Button>
        </Group>
      </Stack>
      <Modal opened={preview !== null} onClose={() => setPreview(null)} title={t('minutes.preview.title')} size="xl">
        {preview && <MinutesPreview record={preview} />}
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => void openPdf()}>
            {t('minutes.preview.pdf')}
          </Button>
        </Group>
      </Modal>
    </Card>
  );
}
