/** One bridge point in the grid: its video, its audio, its name and point, and its connection details. */
import { ActionIcon, Badge, Box, Group, Popover, Text } from '@mantine/core';
import { IconChartBar, IconMicrophoneOff, IconPin, IconPinnedOff, IconVideoOff } from '@tabler/icons-react';
import { memo, type CSSProperties } from 'react';
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

/**
 * The tile's frame, pin button and footer bar: plain elements with constant styles (not Mantine
 * style props, which are resolved again on every render), and the pin button memoised, so a tile
 * re-rendered for its picture (a video paused or resumed for this receiver) redraws the picture only.
 */
const FRAME_STYLE: CSSProperties = { position: 'relative', width: '100%', height: '100%', background: '#1b1f24', borderRadius: 8, overflow: 'hidden', outline: 'none', outlineOffset: -3 };
const SPEAKING_FRAME_STYLE: CSSProperties = { ...FRAME_STYLE, outline: '3px solid var(--mantine-color-green-5)' };
const FOOTER_STYLE: CSSProperties = {
  position: 'absolute',
  bottom: 0,
  left: 0,
  right: 0,
  padding: 'calc(0.375rem * var(--mantine-scale))',
  display: 'flex',
  flexWrap: 'nowrap',
  alignItems: 'center',
  justifyContent: 'space-between',
  gap: 'var(--mantine-spacing-md)',
  background: 'linear-gradient(transparent, rgba(0,0,0,.75))',
};

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
  return (
    <section aria-label={label} data-testid={testId} data-speaking={speaking ? 'true' : undefined} data-pinned={pinned ? 'true' : undefined} style={speaking ? SPEAKING_FRAME_STYLE : FRAME_STYLE}>
      {children}
      {onTogglePin && <PinButton pinned={pinned} name={pinLabel ?? label} onToggle={onTogglePin} />}
      <div style={FOOTER_STYLE}>{footer}</div>
    </section>
  );
}

const PinButton = memo(function PinButton({ pinned, name, onToggle }: { pinned: boolean; name: string; onToggle: () => void }) {
  const { t } = useTranslation();
  return (
    <ActionIcon
      pos="absolute"
      top={6}
      right={6}
      variant={pinned ? 'filled' : 'default'}
      color={pinned ? 'blue' : undefined}
      size="md"
      aria-pressed={pinned}
      aria-label={pinned ? t('layout.unpin', { name }) : t('layout.pin', { name })}
      onClick={onToggle}
      style={{ zIndex: 2, opacity: pinned ? 1 : 0.8 }}
      data-testid="pin-button"
    >
      {pinned ? <IconPinnedOff size={16} /> : <IconPin size={16} />}
    </ActionIcon>
  );
});

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
      footer={<ParticipantFooter info={peer.info} engine={engine} />}
    >
      {/* The player stays while the video is paused or not forwarded here (hidden, same track): a
          speaker change that pauses one picture and resumes another creates no media player. */}
      {video && <TrackVideo track={video.track} label={name} hidden={!showVideo} />}
      {!showVideo && (
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

/**
 * The tile's name, point, unit, state badges, the chair's menu and the connection details. It does
 * not follow who speaks: the "speaking" badge does (SpeakingBadge), so a new speaker re-renders two
 * badges, not two footers with their menus.
 */
const ParticipantFooter = memo(function ParticipantFooter({ info, engine }: { info: PeerInfo; engine: ConferenceEngine }) {
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
        <SpeakingBadge engine={engine} peerId={info.id} />
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

function SpeakingBadge({ engine, peerId }: { engine: ConferenceEngine; peerId: string }) {
  const { t } = useTranslation();
  const speaking = useConference(engine, selectIsSpeaking(peerId));
  if (!speaking) return null;
  return (
    <Badge color="green" variant="filled" size="sm" data-testid="tile-speaking">
      {t('media.speaking')}
    </Badge>
  );
}
