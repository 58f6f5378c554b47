/**
 * Always over the room: who has the floor and the speaking timer (seen by everyone, warning colour
 * near the limit, red past it), and the host's request to turn the microphone on.
 */
import { Badge, Button, Group, Modal, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconMicrophone } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/errors';
import type { RoomFeatureProps } from '../conference/room-panels';
import { floorStore, formatDuration, secondsSince, timerPhase, useFloor } from './floor-store';
import { useFloorNotices } from './use-floor-notices';
import { useNow } from './use-now';

const PHASE_COLOR = { normal: 'blue', warning: 'orange', over: 'red' } as const;

export function FloorOverlay({ engine }: RoomFeatureProps) {
  const { t } = useTranslation();
  const { state, unmuteAskedBy } = useFloor(engine);
  const store = floorStore(engine);
  const holder = state?.holder ?? null;
  useFloorNotices(engine);

  const acceptUnmute = () => {
    store.dismissUnmute();
    engine.setMicMuted(false).catch((err: unknown) => notifications.show({ color: 'red', message: errorMessage(err) }));
  };

  return (
    <>
      {holder && state && <SpeakerTimer engine={engine} />}
      <Modal opened={unmuteAskedBy !== null} onClose={() => store.dismissUnmute()} title={t('floor.unmuteAsked.title')} centered>
        <Stack>
          <Text data-testid="unmute-asked">{t('floor.unmuteAsked.body', { name: unmuteAskedBy ?? '' })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => store.dismissUnmute()}>
              {t('floor.unmuteAsked.later')}
            </Button>
            <Button leftSection={<IconMicrophone size={16} />} onClick={acceptUnmute}>
              {t('floor.unmuteAsked.accept')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function SpeakerTimer({ engine }: Pick<RoomFeatureProps, 'engine'>) {
  const { t } = useTranslation();
  const { state } = useFloor(engine);
  useNow();
  const holder = state?.holder;
  if (!state || !holder) return null;
  const elapsed = secondsSince(holder.startedAt, floorStore(engine).serverNow());
  const phase = timerPhase(elapsed, state.limitSeconds, state.warningSeconds);
  return (
    <Paper
      shadow="md"
      radius="md"
      px="md"
      py={6}
      withBorder
      pos="absolute"
      top={52}
      left="50%"
      style={{ transform: 'translateX(-50%)', zIndex: 4 }}
      role="status"
      aria-label={t('floor.timer.label')}
      data-testid="speaker-timer"
      data-phase={phase}
    >
      <Group gap="sm" wrap="nowrap">
        <IconMicrophone size={18} color={`var(--mantine-color-${PHASE_COLOR[phase]}-6)`} />
        <Text size="sm" fw={600} data-testid="speaker-name">
          {t('floor.timer.speaking', { name: holder.pointName || holder.displayName })}
        </Text>
        <Badge color={PHASE_COLOR[phase]} variant="filled" size="lg" data-testid="speaker-elapsed" style={{ fontVariantNumeric: 'tabular-nums' }}>
          {formatDuration(elapsed)}
          {state.limitSeconds > 0 ? ` / ${formatDuration(state.limitSeconds)}` : ''}
        </Badge>
        {phase === 'warning' && (
          <Text size="xs" c="orange.7" fw={600}>
            {t('floor.timer.nearLimit')}
          </Text>
        )}
        {phase === 'over' && (
          <Text size="xs" c="red.7" fw={600}>
            {t('floor.timer.overLimit')}
          </Text>
        )}
      </Group>
    </Paper>
  );
}
