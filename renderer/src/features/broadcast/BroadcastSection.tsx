/**
 * The live broadcast on a meeting's page (a MEETING_SECTIONS entry): the player for whoever may
 * watch while it is on (watch-only viewers above all: this is their seat), the indicator, and for
 * the chair and the secretary the switch. Reloaded when the server says the broadcast changed.
 */
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { apiErrorMessage } from '../../shared/errors';
import { useAsync } from '../../shared/use-async';
import type { MeetingSectionProps } from '../meetings/meeting-sections';
import { useOnMeetingChange } from '../meetings/meeting-watch';
import { BroadcastBadge } from './BroadcastBadge';
import { BroadcastPlayer } from './BroadcastPlayer';
import { BroadcastSwitch } from './BroadcastSwitch';
import { broadcastApi } from './broadcast-api';

export function BroadcastSection({ meeting, changes }: MeetingSectionProps) {
  const { t } = useTranslation();
  const state = useAsync(() => broadcastApi.state(meeting.id), [meeting.id, meeting.status]);
  useOnMeetingChange(changes, ['broadcast', 'meeting'], () => void state.reload());
  const reloadState = state.reload;
  const reload = useCallback(() => void reloadState(), [reloadState]);
  const s = state.data;
  if (!s) return state.error ? <Alert color="red">{apiErrorMessage(state.error)}</Alert> : null;
  if (!s.watchOnly && !s.canManage && !s.on) return null;
  return (
    <Card withBorder data-testid="broadcast-section">
      <Stack>
        <Group justify="space-between">
          <Title order={3}>{t('broadcast.title')}</Title>
          <BroadcastBadge on={s.on} />
        </Group>
        {s.watchOnly && <Text size="sm" c="dimmed">{t('broadcast.watchOnlyNote')}</Text>}
        {s.canManage && <BroadcastSwitch meetingId={meeting.id} state={s} onChanged={reload} />}
        {s.on && s.phase === 'failed' && <Alert color="red">{t('broadcast.failed', { error: s.error ?? '' })}</Alert>}
        {s.on && s.playlistUrl && s.phase !== 'failed' && <BroadcastPlayer playlistUrl={s.playlistUrl} onLost={reload} />}
        {!s.on && s.watchOnly && <Text>{meeting.status === 'live' ? t('broadcast.notYet') : t('broadcast.notLive')}</Text>}
        {s.on && s.phase === 'starting' && <Text size="sm" c="dimmed">{t('broadcast.starting')}</Text>}
        <Button variant="subtle" size="xs" onClick={reload} style={{ alignSelf: 'flex-start' }}>
          {t('broadcast.refresh')}
        </Button>
      </Stack>
    </Card>
  );
}
