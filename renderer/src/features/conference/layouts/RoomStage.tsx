/**
 * The middle of the room: arranges the tiles for the chosen layout (see layout-model.ts) and draws
 * them as a paged grid or as a stage with a strip. Screen shares take the stage in every layout.
 *
 * It subscribes to the room's roster (who is here, who shares a screen) and, outside the plain
 * grid, to the active speaker: a track's or a microphone's change re-renders only the tile
 * concerned, and in the grid a new speaker re-renders only the two tiles whose highlight moves.
 */
import { useMemo, useRef } from 'react';
import { makeRosterSelector, selectActiveSpeakerId, type ConferenceState } from '../conference-store';
import type { RoomTileContext } from '../RoomTile';
import { useConference, useConferenceShallow } from '../use-conference';
import { arrangeRoom, nextStageSpeaker, type LayoutKind } from './layout-model';
import { GridLayout } from './GridLayout';
import { StageLayout } from './StageLayout';

const noSpeaker = (_: ConferenceState): string | null => null;

export function RoomStage({ layout, tilesPerPage, chairAccountId, ctx }: { layout: LayoutKind; tilesPerPage: number | null; chairAccountId: string | null; ctx: RoomTileContext }) {
  const { engine } = ctx;
  const selectRoster = useMemo(() => makeRosterSelector(), []);
  const roster = useConference(engine, selectRoster);
  const { selfId, selfAccountId, selfSharing } = useConferenceShallow(engine, (s) => ({ selfId: s.selfId, selfAccountId: s.self?.accountId ?? null, selfSharing: s.screenTrack !== null }));
  // The plain grid does not depend on who speaks (the tile's own highlight does).
  const activeSpeakerId = useConference(engine, layout === 'grid' ? noSpeaker : selectActiveSpeakerId);
  const present = useMemo(() => new Set(roster.map((p) => p.peerId)), [roster]);
  // The stage keeps the last remote speaker while we speak or everyone is silent.
  const lastSpeaker = useRef<string | null>(null);
  const speakerId = nextStageSpeaker(lastSpeaker.current, activeSpeakerId, selfId, present);
  lastSpeaker.current = speakerId;

  const chairId = chairAccountId ? (selfAccountId === chairAccountId ? selfId : (roster.find((p) => p.accountId === chairAccountId)?.peerId ?? null)) : null;
  const { stage, rest } = useMemo(
    () => arrangeRoom({ layout, selfId, peers: roster, pinned: ctx.pinned, speakerId, chairId, selfSharing }),
    [layout, selfId, roster, ctx.pinned, speakerId, chairId, selfSharing],
  );
  if (stage.length === 0) return <GridLayout items={rest} ctx={ctx} tilesPerPage={tilesPerPage} />;
  return <StageLayout layout={layout} stage={stage} strip={rest} ctx={ctx} />;
}
