/**
 * Whom the small speaker tile over an open document shows: the floor holder (the one given the
 * floor) when there is one and they are in the room, else the active speaker (the server's
 * audio-level choice), else nobody. Ourselves included (our own camera then).
 */
import type { PeerInfo } from '../../../../common/protocol';

export interface SpeakerPeer {
  info: PeerInfo;
}

export type SpeakerChoice<P extends SpeakerPeer> = { kind: 'self'; reason: 'floor' | 'speaking' } | { kind: 'peer'; peer: P; reason: 'floor' | 'speaking' } | null;

export function chooseSpeaker<P extends SpeakerPeer>(peers: readonly P[], self: PeerInfo | null, activeSpeakerId: string | null, floorHolderAccountId: string | null): SpeakerChoice<P> {
  if (floorHolderAccountId) {
    if (self?.accountId === floorHolderAccountId) return { kind: 'self', reason: 'floor' };
    const holder = peers.find((p) => p.info.accountId === floorHolderAccountId);
    if (holder) return { kind: 'peer', peer: holder, reason: 'floor' };
  }
  if (activeSpeakerId) {
    if (self?.id === activeSpeakerId) return { kind: 'self', reason: 'speaking' };
    const speaker = peers.find((p) => p.info.id === activeSpeakerId);
    if (speaker) return { kind: 'peer', peer: speaker, reason: 'speaking' };
  }
  return null;
}

export interface TilePosition {
  /** Distance of the tile's right and bottom edges from the container's, in px. */
  right: number;
  bottom: number;
}

/** Keeps a dragged tile inside its container. */
export function clampPosition(pos: TilePosition, tile: { width: number; height: number }, box: { width: number; height: number }, margin = 8): TilePosition {
  const clamp = (v: number, max: number) => Math.min(Math.max(margin, v), Math.max(margin, max - margin));
  return { right: clamp(pos.right, box.width - tile.width), bottom: clamp(pos.bottom, box.height - tile.height) };
}
