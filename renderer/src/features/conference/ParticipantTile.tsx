/** One bridge point in the grid: its video, its audio, its name and point, and its connection details. */
import { ActionIcon, Badge, Box, Group, Popover, Text } from '@mantine/core';
import { IconChartBar, IconMicrophoneOff, IconPin, IconPinnedOff, IconVideoOff } from '@tabler/icons-react';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { RaisedHand } from '../floor/RaisedHand';
import { TileModerationMenu } from '../floor/TileModerationMenu';
import type { PeerInfo } from '../../../../common/protocol';
import type { ConferenceEngine, RemotePeer } from './conference-engine';
import { selectIsSpeaking } from './conference-store';
import { PeerLinkBadge } from './link/PeerLinkBadge';
import { TrackVideo } from './MediaElement';
import { StatsPanel } from './StatsPanel';
import { useConference } from './use-conference';

/** What a layout tells a tile about its place: highlighted as the speaker, pinned, how to (un)pin it. */
export interface TilePlacement {
  speaking?: boolean;
  pinned?: boolean;
  onTogglePin?: () => void;
}

export function TileFrame({
  label,
  children,
  footer,
  testId,
  speaking = false,
  pinned = false,
  onTogglePin,
  pinLabel,
}: {
  label: string;
  children: React.ReactNode;
  footer: React.ReactNode;
  testId: string;
  pinLabel?: string;
} & TilePlacement) {
  const { t } = useTranslation();
  return (
    <Box
      component="section"
      aria-label={label}
      data-testid={testId}
      data-speaking={speaking ? 'true' : undefined}
      data-pinned={pinned ? 'true' : undefined}
      pos="relative"
      w="100%"
      h="100%"
      style={{
        background: '#1b1f24',
        borderRadius: 8,
        overflow: 'hidden',
        outline: speaking ? '3px solid var(--mantine-color-green-5)' : 'none',
        outlineOffset: -3,
      }}
    >
      {children}
      {onTogglePin && (
        <ActionIcon
          pos="absolute"
          top={6}
          right={6}
          variant={pinned ? 'filled' : 'default'}
          color={pinned ? 'blue' : undefined}
          size="md"
          aria-pressed={pinned}
          aria-label={pinned ? t('layout.unpin', { name: pinLabel ?? label }) : t('layout.pin', { name: pinLabel ?? label })}
          onClick={onTogglePin}
          style={{ zIndex: 2, opacity: pinned ? 1 : 0.8 }}
          data-testid="pin-button"
        >
          {pinned ? <IconPinnedOff size={16} /> : <IconPin size={16} />}
        </ActionIcon>
      )}
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

/**
 * A remote participant's camera tile. Its sound is played by RoomAudio (tiles of other pages are not
 * mounted). The footer depends on the peer's info and the speaking flag only: a video consumer
 * paused or resumed (last-N, layers) re-renders the picture, not the badges and menus.
 */
export function ParticipantTile({ peer, engine, ...placement }: { peer: RemotePeer; engine: ConferenceEngine } & TilePlacement) {
  const { t } = useTranslation();
  const video = peer.tracks.find((x) => x.kind === 'video' && x.source === 'webcam');
  const cam = peer.info.producers.find((p) => p.source === 'webcam');
  const name = peer.info.displayName;
  const showVideo = video && !video.producerPaused && video.forwarding;
  const speaking = useConference(engine, selectIsSpeaking(peer.info.id));
  return (
    <TileFrame
      label={t('room.tileOf', { name: peer.info.pointName || name })}
      testId="participant-tile"
      pinLabel={peer.info.pointName || name}
      {...placement}
      speaking={speaking}
      footer={<ParticipantFooter info={peer.info} engine={engine} speaking={speaking} />}
    >
      {showVideo ? (
        <TrackVideo track={video.track} label={name} />
      ) : (
        <Group h="100%" justify="center">
          <Text c="gray.4" size="xl" fw={700}>
            {cam?.paused ? t('room.videoOff') : initials(name)}
          </Text>
          {/* A camera the server does not send here now (last-N, off screen): its consumer is made on first need. */}
          {cam && !cam.paused && (!video || (!video.producerPaused && !video.forwarding)) && (
            <Text c="gray.5" size="xs" pos="absolute" top={6} left={8} data-testid="tile-not-received">
              {t('media.notReceived')}
            </Text>
          )}
        </Group>
      )}
    </TileFrame>
  );
}

/** The tile's name, point, unit, state badges, the chair's menu and the connection details. */
const ParticipantFooter = memo(function ParticipantFooter({ info, engine, speaking }: { info: PeerInfo; engine: ConferenceEngine; speaking: boolean }) {
  const { t } = useTranslation();
  const mic = info.producers.find((p) => p.source === 'mic');
  const cam = info.producers.find((p) => p.source === 'webcam');
  const name = info.displayName;
  return (
    <>
      <Box style={{ minWidth: 0 }}>
        <Text size="sm" fw={600} c="white" truncate data-testid="tile-name">
          {name}
        </Text>
        {info.pointName && (
          <Text size="xs" c="gray.3" truncate data-testid="tile-point">
            {info.pointName}
          </Text>
        )}
        {(info.unitName || info.headcount) && (
          <Text size="xs" c="gray.4" truncate data-testid="tile-unit">
            {[info.unitName, info.level ? t(`unitLevels.${info.level}`) : null, info.headcount ? t('room.headcount', { count: info.headcount }) : null]
              .filter(Boolean)
              .join(' · ')}
          </Text>
        )}
      </Box>
      <Group gap={4} wrap="nowrap">
        <RaisedHand engine={engine} accountId={info.accountId} />
        <PeerLinkBadge engine={engine} peerId={info.id} />
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
        <TileModerationMenu engine={engine} peer={info} />
        <Popover position="top-end" withArrow shadow="md">
          <Popover.Target>
            <ActionIcon variant="filled" color="dark" size="sm" aria-label={t('stats.show', { name })}>
              <IconChartBar size={14} />
            </ActionIcon>
          </Popover.Target>
          <Popover.Dropdown>
            <StatsPanel engine={engine} peerId={info.id} />
          </Popover.Dropdown>
        </Popover>
      </Group>
    </>
  );
});
