/**
 * One tile of a layout, whatever it shows (ourselves, a participant, a shared screen): sized by the
 * layout, measured and reported as on screen (see layouts/tile-views.ts). Each tile subscribes to
 * its own slice of the conference (its peer, or our own camera and share) and is memoised: a
 * change elsewhere in the room does not re-render it.
 */
import { Box } from '@mantine/core';
import { memo, useMemo } from 'react';
import type { ConferenceEngine } from './conference-engine';
import { selectPeer } from './conference-store';
import type { TileItem } from './layouts/layout-model';
import { useTileView } from './layouts/tile-views';
import { ParticipantTile } from './ParticipantTile';
import { ScreenTile } from './ScreenTile';
import { SelfTile } from './SelfTile';
import { useConference, useConferenceShallow } from './use-conference';

export interface RoomTileContext {
  engine: ConferenceEngine;
  displayName: string;
  pointName: string;
  pinned: readonly string[];
  onTogglePin: (key: string) => void;
}

interface RoomTileProps {
  item: TileItem;
  ctx: RoomTileContext;
  width: number;
  height: number;
}

function RoomTileView({ item, ctx, width, height }: RoomTileProps) {
  const pinned = ctx.pinned.includes(item.key);
  const ref = useTileView(item.key, item.peerId, item.source, pinned, item.self);
  const placement = { pinned, onTogglePin: () => ctx.onTogglePin(item.key) };
  let content: React.ReactNode = null;
  if (item.self && item.source === 'screen') content = <OwnScreen ctx={ctx} placement={placement} />;
  else if (item.self) content = <OwnCamera ctx={ctx} placement={placement} />;
  else content = <RemoteTile engine={ctx.engine} peerId={item.peerId} screen={item.source === 'screen'} placement={placement} />;
  return (
    <Box ref={ref} w={width} h={height} style={{ flex: 'none' }} data-tile-key={item.key}>
      {content}
    </Box>
  );
}

type Placement = { pinned: boolean; onTogglePin: () => void };

function OwnScreen({ ctx, placement }: { ctx: RoomTileContext; placement: Placement }) {
  const track = useConference(ctx.engine, (s) => s.screenTrack);
  return <ScreenTile owner={ctx.displayName} track={track} self {...placement} />;
}

function OwnCamera({ ctx, placement }: { ctx: RoomTileContext; placement: Placement }) {
  const { video, cameraOff } = useConferenceShallow(ctx.engine, (s) => ({ video: s.localVideo, cameraOff: s.cameraOff }));
  return <SelfTile displayName={ctx.displayName} pointName={ctx.pointName} video={video} cameraOff={cameraOff} {...placement} />;
}

function RemoteTile({ engine, peerId, screen, placement }: { engine: ConferenceEngine; peerId: string; screen: boolean; placement: Placement }) {
  const selector = useMemo(() => selectPeer(peerId), [peerId]);
  const peer = useConference(engine, selector);
  if (!peer) return null;
  if (screen) {
    const track = peer.tracks.find((x) => x.kind === 'video' && x.source === 'screen')?.track ?? null;
    return <ScreenTile owner={peer.info.pointName || peer.info.displayName} track={track} self={false} {...placement} />;
  }
  return <ParticipantTile peer={peer} engine={engine} {...placement} />;
}

/** Re-rendered only when what it shows, its size or the room's context (pins, names) change. */
export const RoomTile = memo(
  RoomTileView,
  (a, b) => a.ctx === b.ctx && a.width === b.width && a.height === b.height && a.item.key === b.item.key && a.item.peerId === b.item.peerId && a.item.source === b.item.source && a.item.self === b.item.self,
);
