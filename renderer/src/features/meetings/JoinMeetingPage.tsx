/**
 * Joining a meeting's conference: the pre-join screen (camera preview, level meter, devices; the
 * meeting, the account's name and, for operators, their bridge point shown read-only), then the
 * room, then — after leaving — the way back to the meeting page.
 */
import { Alert, Button, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconInfoCircle } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/errors';
import { href } from '../../shared/router';
import { formatRange } from '../../shared/time';
import { useAsync } from '../../shared/use-async';
import { api } from '../../net/api-client';
import { serverUrl } from '../../platform/desktop';
import type { ConferenceEngine } from '../conference/conference-engine';
import type { RoomFeatures } from '../conference/room-panels';
import { RoomView } from '../conference/RoomView';
import { useConferenceShallow } from '../conference/use-conference';
import { JoinScreen, type JoinRequest } from '../prejoin/JoinScreen';
import { useAccount } from '../auth/session';
import { joinBlockedReason, meetingErrorMessage } from './meeting-messages';

/** `room`: the features' panels and overlays (composed in app/room-features.ts). */
export function JoinMeetingPage({ id, engine, room }: { id: string; engine: ConferenceEngine; room: RoomFeatures }) {
  const { t } = useTranslation();
  const me = useAccount();
  const meeting = useAsync(() => api.meeting(id), [id]);
  const isOperator = me.role === 'operator' && me.bridgePointId !== null;
  const points = useAsync(() => api.bridgePoints(), [], isOperator);
  const state = useConferenceShallow(engine, (s) => ({ status: s.status, room: s.room, self: s.self, error: s.error }));
  /** The user pressed "Tham gia" on this page (so "left" means they left this meeting). */
  const [attempted, setAttempted] = useState(false);
  const [joinError, setJoinError] = useState<string | null>(null);
  /** Remounts the pre-join screen (and reopens the camera) after a failed attempt. */
  const [previewKey, setPreviewKey] = useState(0);

  // Leaving the page (another route, or another meeting) leaves the room.
  useEffect(
    () => () => {
      const status = engine.getState().status;
      if (status === 'joined' || status === 'reconnecting' || status === 'joining') void engine.leave();
    },
    [engine, id],
  );

  const back = (
    <Button component="a" href={href({ name: 'meeting', id })} variant="subtle" leftSection={<IconArrowLeft size={16} />}>
      {t('join.backToMeeting')}
    </Button>
  );

  if (meeting.error)
    return (
      <Card withBorder radius="md" p="lg" maw={640} mx="auto" my="xl">
        <Stack align="flex-start">
          <Alert color="red" role="alert" title={t('meeting.loadFailed')} w="100%">
            {meetingErrorMessage(meeting.error, t)}
          </Alert>
          <Button component="a" href={href({ name: 'meetings' })} variant="subtle" leftSection={<IconArrowLeft size={16} />}>
            {t('meetings.title')}
          </Button>
        </Stack>
      </Card>
    );
  const m = meeting.data;
  if (!m)
    return (
      <Group justify="center" py="xl">
        <Loader aria-label={t('common.loading')} />
      </Group>
    );

  const pointName = isOperator ? (points.data?.find((p) => p.id === me.bridgePointId)?.name ?? null) : null;
  const inRoom = state.status === 'joined' || state.status === 'reconnecting';

  if (inRoom)
    return (
      <RoomView
        engine={engine}
        features={room}
        title={state.room || m.title}
        displayName={state.self?.displayName ?? me.displayName}
        pointName={state.self ? state.self.pointName : (pointName ?? '')}
        chairAccountId={m.chairId}
      />
    );

  if (attempted && state.status === 'left')
    return (
      <Card withBorder radius="md" p="xl" maw={560} mx="auto" my="xl">
        <Stack align="center" gap="md">
          <Text size="lg" fw={600} role="status">
            {t('room.left')}
          </Text>
          {endedBy(state.error) && (
            <Text ta="center" data-testid="left-reason">
              {t(`room.endedBy.${endedBy(state.error)}`)}
            </Text>
          )}
          <Text c="dimmed" ta="center">
            {m.title}
          </Text>
          <Group justify="center">
            <Button component="a" href={href({ name: 'meeting', id })} leftSection={<IconArrowLeft size={16} />}>
              {t('join.backToMeeting')}
            </Button>
            <Button
              variant="default"
              onClick={() => {
                setAttempted(false);
                void meeting.reload();
              }}
            >
              {t('room.rejoin')}
            </Button>
          </Group>
        </Stack>
      </Card>
    );

  const blocked = joinBlockedReason(m, t);
  if (blocked)
    return (
      <Card withBorder radius="md" p="lg" maw={640} mx="auto" my="xl">
        <Stack align="flex-start">
          <Title order={1} size="h3">
            {m.title}
          </Title>
          <Alert color="orange" icon={<IconInfoCircle />} w="100%" data-testid="join-blocked">
            {blocked}
          </Alert>
          <Group>
            {back}
            <Button variant="default" onClick={() => void meeting.reload()} loading={meeting.loading}>
              {t('join.checkAgain')}
            </Button>
          </Group>
        </Stack>
      </Card>
    );

  const join = async ({ stream, micMuted }: JoinRequest) => {
    setAttempted(true);
    setJoinError(null);
    try {
      const server = await serverUrl();
      if (!server) throw new Error(t('setup.title'));
      await engine.join({ server, meetingId: id, stream, micMuted });
    } catch (err) {
      setJoinError(errorMessage(err));
      setAttempted(false);
      setPreviewKey((k) => k + 1);
    }
  };

  return (
    <JoinScreen
      key={previewKey}
      identity={{ meetingTitle: m.title, meetingTime: formatRange(m.startsAt, m.endsAt), displayName: me.displayName, pointName, invitedPoints: m.invitedPointIds.length }}
      onJoin={(r) => void join(r)}
      busy={state.status === 'joining'}
      error={joinError}
      footer={back}
    />
  );
}

/** Why the server ended this presence, when it did (meeting ended, joined elsewhere, session ended, removed by the host, refused on rejoin). */
function endedBy(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'meeting_ended' || code === 'joined_elsewhere' || code === 'session_ended' || code === 'removed' || code === 'removed_from_meeting' || code === 'meeting_locked' || code === 'access_revoked' ? code : null;
}
