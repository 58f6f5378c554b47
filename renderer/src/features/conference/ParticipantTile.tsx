/** One bridge point in the grid: its video, its audio, its name and point, and its connection details. */
import { ActionIcon, Badge, Box, Group, Popover, Text } from '@mantine/core';
import { IconChartBar, IconMicrophoneOff, IconVideoOff } from '@tabler/icons-react';
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConferenceEngine, RemotePeer } from './conference-engine';
import { TrackAudio, TrackVideo } from './MediaElement';
import { StatsPanel } from './StatsPanel';

export function TileFrame({
  label,
  children,
  footer,
  testId,
  speaking = false,
}: {
  label: string;
  children: React.ReactNode;
  footer: React.ReactNode;
  testId: string;
  /** The active speaker: a green frame, and `data-speaking="true"` for tests and styles. */
  speaking?: boolean;
}) {
  return (
    <Box
      component="section"
      aria-label={label}
      data-testid={testId}
      data-speaking={speaking ? 'true' : undefined}
      pos="relative"
      style={{
        aspectRatio: '16 / 9',
        background: '#1b1f24',
        borderRadius: 8,
        overflow: 'hidden',
        outline: speaking ? '3px solid var(--mantine-color-green-5)' : 'none',
        outlineOffset: -3,
        transition: 'outline-color 150ms',
      }}
    >
      {children}
      <Group pos="absolute" bottom={0} left={0} right={0} p={6} justify="space-between" wrap="nowrap" style={{ background: 'linear-gradient(transparent, rgba(0,0,0,.75))' }}>
        {footer}
      </Group>
    </Box>
  );
}

export const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(-2)
    .map((w) => w[0]?.toUpperCase())
    .join('');

export function ParticipantTile({ peer, engine }: { peer: RemotePeer; engine: ConferenceEngine }) {
  const { t } = useTranslation();
  const video = peer.tracks.find((x) => x.kind === 'video' && x.source === 'webcam');
  const audio = peer.tracks.find((x) => x.kind === 'audio');
  const mic = peer.info.producers.find((p) => p.source === 'mic');
  const cam = peer.info.producers.find((p) => p.source === 'webcam');
  const name = peer.info.displayName;
  const showVideo = video && !video.producerPaused && video.forwarding;
  const speaking = useSyncExternalStore(engine.subscribe, () => engine.getState().activeSpeakerId === peer.info.id);
  return (
    <TileFrame
      label={t('room.tileOf', { name: peer.info.pointName || name })}
      testId="participant-tile"
      speaking={speaking}
      footer={
        <>
          <Box style={{ minWidth: 0 }}>
            <Text size="sm" fw={600} c="white" truncate data-testid="tile-name">
              {name}
            </Text>
            {peer.info.pointName && (
              <Text size="xs" c="gray.3" truncate data-testid="tile-point">
                {peer.info.pointName}
              </Text>
            )}
            {(peer.info.unitName || peer.info.headcount) && (
              <Text size="xs" c="gray.4" truncate data-testid="tile-unit">
                {[
                  peer.info.unitName,
                  peer.info.level ? t(`unitLevels.${peer.info.level}`) : null,
                  peer.info.headcount ? t('room.headcount', { count: peer.info.headcount }) : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </Text>
            )}
          </Box>
          <Group gap={4} wrap="nowrap">
            {speaking && (
              <Badge color="green" variant="filled" size="sm" data-testid="tile-speaking">
                {t('media.speaking')}
              </Badge>
            )}
            {(!mic || mic.paused) && (
              <Badge color="red" variant="filled" size="sm" aria-label={t('room.muted')} leftSection={<IconMicrophoneOff size={12} />}>
                {t('room.muted')}
              </Badge>
            )}
            {cam?.paused && <IconVideoOff size={16} color="white" aria-label={t('room.videoOff')} />}
            <Popover position="top-end" withArrow shadow="md">
              <Popover.Target>
                <ActionIcon variant="filled" color="dark" size="sm" aria-label={t('stats.show', { name })}>
                  <IconChartBar size={14} />
                </ActionIcon>
              </Popover.Target>
              <Popover.Dropdown>
                <StatsPanel engine={engine} peerId={peer.info.id} />
              </Popover.Dropdown>
            </Popover>
          </Group>
        </>
      }
    >
      {showVideo ? (
        <TrackVideo track={video.track} label={name} />
      ) : (
        <Group h="100%" justify="center">
          <Text c="gray.4" size="xl" fw={700}>
            {cam?.paused ? t('room.videoOff') : cam && !video ? t('room.connecting') : initials(name)}
          </Text>
          {video && !video.producerPaused && !video.forwarding && (
            <Text c="gray.5" size="xs" pos="absolute" top={6} left={8} data-testid="tile-not-received">
              {t('media.notReceived')}
            </Text>
          )}
        </Group>
      )}
      {audio && <TrackAudio track={audio.track} />}
    </TileFrame>
  );
}
