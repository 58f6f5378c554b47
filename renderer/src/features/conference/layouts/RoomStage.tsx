/**
 * The middle of the room: arranges the tiles for the chosen layout (see layout-model.ts) and draws
 * them as a paged grid or as a stage with a strip. Screen shares take the stage in every layout.
 */
import { useMemo, useRef } from 'react';
import type { RoomTileContext } from '../RoomTile';
import { arrangeRoom, nextStageSpeaker, type LayoutKind } from './layout-model';
import { GridLayout } from './GridLayout';
import { StageLayout } from './StageLayout';

export function RoomStage({ layout, tilesPerPage, chairAccountId, ctx }: { layout: LayoutKind; tilesPerPage: number | null; chairAccountId: string | null; ctx: RoomTileContext }) {
  const { state } = ctx;
  const selfId = state.selfId;
  const present = useMemo(() => new Set(state.peers.map((p) => p.info.id)), [state.peers]);
  // The stage keeps the last remote speaker while we speak or everyone is silent.
  const lastSpeaker = useRef<string | null>(null);
  const speakerId = nextStageSpeaker(lastSpeaker.current, state.activeSpeakerId, selfId, present);
  lastSpeaker.current = speakerId;

  const chairId = chairAccountId ? (state.self?.accountId === chairAccountId ? selfId : (state.peers.find((p) => p.info.accountId === chairAccountId)?.info.id ?? null)) : null;
  const { stage, rest } = arrangeRoom({
    layout,
    selfId,
    peers: state.peers.map((p) => ({ peerId: p.info.id, sharingScreen: p.info.producers.some((x) => x.source === 'screen') })),
    pinned: ctx.pinned,
    speakerId,
    chairId,
    selfSharing: state.screenTrack !== null,
  });
  if (stage.length === 0) return <GridLayout items={rest} ctx={ctx} tilesPerPage={tilesPerPage} />;
  return <StageLayout layout={layout} stage={stage} strip={rest} ctx={ctx} />;
}
