/**
 * One tile of a layout, whatever it shows (ourselves, a participant, a shared screen): sized by the
 * layout, measured and reported as on screen (see layouts/tile-views.ts).
 */
import { Box } from '@mantine/core';
import type { ConferenceEngine, ConferenceState } from './conference-engine';
import type { TileItem } from './layouts/layout-model';
import { useTileView } from './layouts/tile-views';
import { ParticipantTile } from './ParticipantTile';
import { ScreenTile } from './ScreenTile';
import { SelfTile } from './SelfTile';

export interface RoomTileContext {
  engine: ConferenceEngine;
  state: ConferenceState;
  displayName: string;
  pointName: string;
  pinned: readonly string[];
  onTogglePin: (key: string) => void;
}

export function RoomTile({ item, ctx, width, height }: { item: TileItem; ctx: RoomTileContext; width: number; height: number }) {
  const pinned = ctx.pinned.includes(item.key);
  const ref = useTileView(item.key, item.peerId, item.source, pinned, item.self);
  const placement = { pinned, onTogglePin: () => ctx.onTogglePin(item.key) };
  const { state } = ctx;
  let content: React.ReactNode = null;
  if (item.self && item.source === 'screen') {
    content = <ScreenTile owner={ctx.displayName} track={state.screenTrack} self {...placement} />;
  } else if (item.self) {
    content = <SelfTile displayName={ctx.displayName} pointName={ctx.pointName} video={state.localVideo} cameraOff={state.cameraOff} {...placement} />;
  } else {
    const peer = state.peers.find((p) => p.info.id === item.peerId);
    if (!peer) return null;
    if (item.source === 'screen') {
      const track = peer.tracks.find((x) => x.kind === 'video' && x.source === 'screen')?.track ?? null;
      content = <ScreenTile owner={peer.info.pointName || peer.info.displayName} track={track} self={false} {...placement} />;
    } else {
      content = <ParticipantTile peer={peer} engine={ctx.engine} {...placement} />;
    }
  }
  return (
    <Box ref={ref} w={width} h={height} style={{ flex: 'none' }} data-tile-key={item.key}>
      {content}
    </Box>
  );
}
