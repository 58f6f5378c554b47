/**
 * The meeting page's archive of recordings: each with its status (a progress bar while the archive
 * is composed), duration, size and SHA-256; a player and a download link for those who may watch;
 * deletion for the secretary. Polls every 3 s while one is being recorded or composed.
 */
import { Alert, Anchor, Button, Card, Code, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RecordingList, type RecordingItem } from '../../../../common/api/recording';
import { apiErrorMessage } from '../../shared/errors';
import { api } from '../../net/api-client';
import type { MeetingSectionProps } from '../meetings/meeting-sections';

const enc = encodeURIComponent;
const fileUrl = (id: string, download = false) => `/api/recordings/${enc(id)}/archive.mp4${download ? '?download=1' : ''}`;

function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function size(bytes: number | null): string {
  if (bytes === null) return '—';
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

export function RecordingsSection({ meeting }: MeetingSectionProps) {
  const { t } = useTranslation();
  const [items, setItems] = useState<RecordingItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [playing, setPlaying] = useState<string | null>(null);
  const load = useCallback(() => {
    api.call('GET', `/api/meetings/${enc(meeting.id)}/recordings`, { schema: RecordingList }).then(
      (r) => setItems(r.recordings),
      (err) => setError(apiErrorMessage(err)),
    );
  }, [meeting.id]);
  useEffect(() => load(), [load]);
  const pending = items?.some((r) => r.status === 'recording' || r.status === 'composing') ?? false;
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(load, 3000);
    return () => clearInterval(timer);
  }, [pending, load]);
  if (!items || items.length === 0) return error ? <Alert color="red">{error}</Alert> : null;
  const remove = async (id: string) => {
    if (!window.confirm(t('recording.deleteConfirm'))) return;
    try {
      await api.call('DELETE', `/api/recordings/${enc(id)}`);
      load();
    } catch (err) {
      setError(apiErrorMessage(err));
    }
  };
  return (
    <Stack data-testid="recordings-section">
      <Title order={4}>{t('recording.archive')}</Title>
      {error && <Alert color="red">{error}</Alert>}
      {items.map((r) => (
        <Card key={r.id} withBorder data-testid="recording-item" data-status={r.status}>
          <Stack gap={6}>
            <Group justify="space-between">
              <Text fw={600}>
                {new Date(r.startedAt).toLocaleString()} {r.confidential ? `· ${t('recording.confidentialShort')}` : ''}
              </Text>
              <Text size="sm" c="dimmed">{t(`recording.status.${r.status}`)}</Text>
            </Group>
            {r.status === 'composing' && <Progress value={Math.round(r.progress * 100)} animated aria-label={t('recording.composing')} data-testid="recording-progress" />}
            {r.status === 'failed' && <Alert color="red">{r.error === 'storage_full' ? t('recording.errors.disk') : t('recording.errors.compose', { error: r.error ?? '' })}</Alert>}
            <Text size="sm">
              {t('recording.duration')}: {duration(r.durationSeconds)} · {t('recording.size')}: {size(r.sizeBytes)}
            </Text>
            {r.sha256 && (
              <Text size="xs">
                SHA-256: <Code data-testid="recording-sha256">{r.sha256}</Code>
              </Text>
            )}
            {r.canWatch && (
              <Group>
                <Button size="xs" variant="light" onClick={() => setPlaying(playing === r.id ? null : r.id)} data-testid="recording-play">
                  {t('recording.watch')}
                </Button>
                <Anchor href={fileUrl(r.id, true)} size="sm">
                  {t('recording.download')}
                </Anchor>
                {r.canDelete && (
                  <Button size="xs" color="red" variant="subtle" onClick={() => void remove(r.id)}>
                    {t('recording.delete')}
                  </Button>
                )}
              </Group>
            )}
            {playing === r.id && <video src={fileUrl(r.id)} controls autoPlay muted style={{ width: '100%', maxHeight: 480, background: '#000' }} data-testid="recording-video" />}
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}
