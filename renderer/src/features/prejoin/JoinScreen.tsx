/** The pre-join screen: name, bridge point and room, a camera preview, a level meter, device choice. */
import { Alert, Button, Card, Grid, Group, Progress, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { takeStream, useLocalMedia } from './use-local-media';
import { useAudioLevel } from './use-audio-level';

export interface JoinRequest {
  displayName: string;
  pointName: string;
  room: string;
  stream: MediaStream;
}

const REMEMBER_KEY = 'phonghop.join';

function remembered(): { displayName: string; pointName: string; room: string } {
  try {
    const saved = JSON.parse(localStorage.getItem(REMEMBER_KEY) ?? '{}') as Record<string, unknown>;
    const roomFromUrl = new URLSearchParams(window.location.search).get('room');
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    return { displayName: str(saved['displayName']), pointName: str(saved['pointName']), room: roomFromUrl ?? str(saved['room']) };
  } catch {
    return { displayName: '', pointName: '', room: '' };
  }
}

export function JoinScreen({ onJoin, busy, error }: { onJoin: (r: JoinRequest) => void; busy: boolean; error: string | null }) {
  const { t } = useTranslation();
  const [form, setForm] = useState(remembered);
  const [cameraId, setCameraId] = useState<string | null>(null);
  const [microphoneId, setMicrophoneId] = useState<string | null>(null);
  const media = useLocalMedia(cameraId, microphoneId);
  const level = useAudioLevel(media.stream);
  const videoRef = useRef<HTMLVideoElement>(null);
  const [missing, setMissing] = useState<string | null>(null);

  useEffect(() => {
    if (videoRef.current) videoRef.current.srcObject = media.stream;
  }, [media.stream]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const field = !form.displayName.trim() ? t('prejoin.displayName') : !form.room.trim() ? t('prejoin.room') : null;
    setMissing(field);
    if (field) return;
    localStorage.setItem(REMEMBER_KEY, JSON.stringify(form));
    onJoin({ ...form, stream: takeStream(media.stream ?? new MediaStream()) });
  };

  const hasVideo = (media.stream?.getVideoTracks().length ?? 0) > 0;
  const hasAudio = (media.stream?.getAudioTracks().length ?? 0) > 0;

  return (
    <Card withBorder shadow="sm" radius="md" p="lg" maw={960} mx="auto" mt="xl" component="main">
      <Title order={1} size="h2" mb="md">
        {t('prejoin.title')}
      </Title>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack gap="xs">
            <video
              ref={videoRef}
              autoPlay
              playsInline
              muted
              aria-label={t('prejoin.preview')}
              style={{ width: '100%', aspectRatio: '16 / 9', background: '#111', borderRadius: 8, objectFit: 'cover' }}
            />
            {!hasVideo && <Text c="dimmed">{t('prejoin.noCamera')}</Text>}
            <Text size="sm" id="mic-level-label">
              {t('prejoin.micLevel')}
            </Text>
            <Progress
              value={hasAudio ? Math.round(level * 100) : 0}
              aria-labelledby="mic-level-label"
              role="meter"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(level * 100)}
              data-testid="mic-level"
              transitionDuration={60}
            />
            {!hasAudio && <Text c="dimmed">{t('prejoin.noMicrophone')}</Text>}
            {media.error && (
              <Alert color="red" role="alert">
                {t('prejoin.deviceError', { message: media.error })}
              </Alert>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <form onSubmit={submit} noValidate>
            <Stack gap="sm">
              <TextInput
                label={t('prejoin.displayName')}
                placeholder={t('prejoin.displayNamePlaceholder')}
                value={form.displayName}
                onChange={(e) => setForm({ ...form, displayName: e.currentTarget.value })}
                maxLength={80}
                required
                autoComplete="name"
              />
              <TextInput
                label={t('prejoin.pointName')}
                placeholder={t('prejoin.pointNamePlaceholder')}
                value={form.pointName}
                onChange={(e) => setForm({ ...form, pointName: e.currentTarget.value })}
                maxLength={120}
              />
              <TextInput
                label={t('prejoin.room')}
                placeholder={t('prejoin.roomPlaceholder')}
                value={form.room}
                onChange={(e) => setForm({ ...form, room: e.currentTarget.value })}
                maxLength={64}
                required
              />
              <Select
                label={t('prejoin.camera')}
                data={media.cameras.map((d, i) => ({ value: d.deviceId || `cam-${i}`, label: d.label || `${t('prejoin.camera')} ${i + 1}` }))}
                value={cameraId ?? media.stream?.getVideoTracks()[0]?.getSettings().deviceId ?? null}
                onChange={setCameraId}
                allowDeselect={false}
                disabled={media.cameras.length === 0}
              />
              <Select
                label={t('prejoin.microphone')}
                data={media.microphones.map((d, i) => ({ value: d.deviceId || `mic-${i}`, label: d.label || `${t('prejoin.microphone')} ${i + 1}` }))}
                value={microphoneId ?? media.stream?.getAudioTracks()[0]?.getSettings().deviceId ?? null}
                onChange={setMicrophoneId}
                allowDeselect={false}
                disabled={media.microphones.length === 0}
              />
              {missing && (
                <Alert color="orange" role="alert">
                  {t('prejoin.required', { field: missing })}
                </Alert>
              )}
              {error && (
                <Alert color="red" role="alert">
                  {error}
                </Alert>
              )}
              <Group justify="flex-end">
                <Button type="submit" loading={busy} size="md">
                  {busy ? t('prejoin.joining') : t('prejoin.join')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Grid.Col>
      </Grid>
    </Card>
  );
}
