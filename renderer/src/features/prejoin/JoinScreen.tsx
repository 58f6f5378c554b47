/** The pre-join screen: the meeting, who joins (read-only), a camera preview, a level meter, device choice. */
import { Alert, Box, Button, Card, Grid, Group, Progress, Select, Stack, Switch, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isLargeMeeting, LARGE_MEETING_POINTS } from '../../../../common/meeting-size';
import { getRoomPreferences, setRoomPreferences } from '../conference/room-preferences';
import { joinMuted, rememberJoinMuted } from './join-mic';
import { takeStream, useLocalMedia } from './use-local-media';
import { useAudioLevel } from './use-audio-level';

export interface JoinRequest {
  stream: MediaStream;
  /** Join with the microphone off (the switch; by default on in large meetings). */
  micMuted: boolean;
}

/** Who joins what: shown read-only (the server takes the name and bridge point from the account). */
export interface JoinIdentity {
  meetingTitle: string;
  /** The meeting's time, already formatted. */
  meetingTime?: string;
  displayName: string;
  /** The bridge point of an operator account; null for a person joining on their own. */
  pointName: string | null;
  /** Bridge points the meeting invites: 10 or more is a large meeting, joined muted by default. */
  invitedPoints?: number;
}

export function JoinScreen({
  identity,
  onJoin,
  busy,
  error,
  footer,
}: {
  identity: JoinIdentity;
  onJoin: (r: JoinRequest) => void;
  busy: boolean;
  error: string | null;
  /** Extra controls under the join button (e.g. back to the meeting page). */
  footer?: React.ReactNode;
}) {
  const { t } = useTranslation();
  // The devices chosen last time on this device (before or during a call) are tried first.
  const [cameraId, setCameraId] = useState<string | null>(() => getRoomPreferences().cameraId);
  const [microphoneId, setMicrophoneId] = useState<string | null>(() => getRoomPreferences().microphoneId);
  const media = useLocalMedia(cameraId, microphoneId);
  const level = useAudioLevel(media.stream);
  const videoRef = useRef<HTMLVideoElement>(null);
  const invitedPoints = identity.invitedPoints ?? 0;
  const [micMuted, setMicMuted] = useState(() => joinMuted(invitedPoints));

  useEffect(() => {
    if (videoRef.current) videoRef.current.srcObject = media.stream;
  }, [media.stream]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onJoin({ stream: takeStream(media.stream ?? new MediaStream()), micMuted });
  };

  // Joining waits until the camera and microphone have been opened (or have failed), so the
  // conference does not start with an empty stream.
  const opening = media.stream === null && media.error === null;
  const hasVideo = (media.stream?.getVideoTracks().length ?? 0) > 0;
  const hasAudio = (media.stream?.getAudioTracks().length ?? 0) > 0;

  return (
    <Card withBorder shadow="sm" radius="md" p="lg" maw={960} mx="auto" my="xl">
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
            <Progress.Root aria-labelledby="mic-level-label" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(level * 100)} data-testid="mic-level" transitionDuration={60}>
              {/* Mantine's section is a progressbar of its own: it needs a name too (axe). */}
              <Progress.Section value={hasAudio ? Math.round(level * 100) : 0} aria-label={t('prejoin.micLevel')} />
            </Progress.Root>
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
              <Box component="dl" m={0} data-testid="join-identity">
                <IdentityRow term={t('prejoin.meeting')} testId="join-meeting">
                  <Text fw={700} size="lg" style={{ overflowWrap: 'anywhere' }}>
                    {identity.meetingTitle}
                  </Text>
                  {identity.meetingTime && (
                    <Text size="sm" c="dimmed">
                      {identity.meetingTime}
                    </Text>
                  )}
                </IdentityRow>
                <IdentityRow term={t('prejoin.displayName')} testId="join-name">
                  <Text fw={600}>{identity.displayName}</Text>
                </IdentityRow>
                {identity.pointName && (
                  <IdentityRow term={t('prejoin.pointName')} testId="join-point">
                    <Text fw={600}>{identity.pointName}</Text>
                  </IdentityRow>
                )}
              </Box>
              <Select
                label={t('prejoin.camera')}
                data={media.cameras.map((d, i) => ({ value: d.deviceId || `cam-${i}`, label: d.label || `${t('prejoin.camera')} ${i + 1}` }))}
                value={media.stream?.getVideoTracks()[0]?.getSettings().deviceId ?? cameraId}
                onChange={(id) => {
                  setCameraId(id);
                  setRoomPreferences({ cameraId: id });
                }}
                allowDeselect={false}
                disabled={media.cameras.length === 0}
              />
              <Select
                label={t('prejoin.microphone')}
                data={media.microphones.map((d, i) => ({ value: d.deviceId || `mic-${i}`, label: d.label || `${t('prejoin.microphone')} ${i + 1}` }))}
                value={media.stream?.getAudioTracks()[0]?.getSettings().deviceId ?? microphoneId}
                onChange={(id) => {
                  setMicrophoneId(id);
                  setRoomPreferences({ microphoneId: id });
                }}
                allowDeselect={false}
                disabled={media.microphones.length === 0}
              />
              <Switch
                label={t('prejoin.joinMuted')}
                description={isLargeMeeting(invitedPoints) ? t('prejoin.joinMutedLarge', { count: invitedPoints, threshold: LARGE_MEETING_POINTS }) : t('prejoin.joinMutedSmall', { threshold: LARGE_MEETING_POINTS })}
                checked={micMuted}
                onChange={(e) => {
                  const muted = e.currentTarget.checked;
                  setMicMuted(muted);
                  rememberJoinMuted(invitedPoints, muted);
                }}
                data-testid="join-muted"
              />
              {error && (
                <Alert color="red" role="alert">
                  {error}
                </Alert>
              )}
              <Group justify="space-between" wrap="wrap-reverse">
                {footer ?? <span />}
                <Button type="submit" loading={busy || opening} size="md">
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

function IdentityRow({ term, testId, children }: { term: string; testId: string; children: React.ReactNode }) {
  return (
    <Box mb="sm">
      <Text component="dt" size="sm" c="dimmed">
        {term}
      </Text>
      <Box component="dd" m={0} data-testid={testId}>
        {children}
      </Box>
    </Box>
  );
}
