/**
 * The conference's state for React: a small zustand store (vanilla, no React inside) that the
 * signaling and media sessions write, and selectors that components subscribe to, so a change
 * re-renders only the components whose slice changed (a new active speaker re-renders the two
 * tiles concerned, one point's track status re-renders that point's tile).
 *
 * Updates keep the identity of everything that did not change: `peers` is a new array when one
 * peer changes, but the other peers' objects stay the same, so `selectPeer(id)` is stable for them.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Bars, LinkProblem, LinkQuality } from '../../../../common/link-quality';
import type { MediaSource, PeerInfo, PeerLink, ReceiveMode } from '../../../../common/protocol';
import type { FallbackLevel } from './link/fallback-rules';

export interface RemoteTrack {
  consumerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  track: MediaStreamTrack;
  /** The sender paused it (muted microphone, camera off). */
  producerPaused: boolean;
  /**
   * The server forwards it to us now. False when it decided not to (tile off screen, point not
   * among the last speakers, audio-only mode): show a placeholder, not a frozen picture.
   */
  forwarding: boolean;
}

export interface RemotePeer {
  info: PeerInfo;
  tracks: RemoteTrack[];
}

/** Our own link as measured now (signal bars, the figures behind them, what to suggest). */
export interface LinkView {
  sendBars: Bars;
  recvBars: Bars;
  quality: LinkQuality;
  suggestion: LinkProblem | null;
  lossPercent: number | null;
  rttMs: number | null;
  availableSendKbps: number | null;
}

/** The automatic fallback: level 0 full, 1 fewer and smaller videos, 2 audio only (see link/fallback-rules.ts). */
export interface FallbackView {
  level: FallbackLevel;
  since: number | null;
  /** Automatic fallback suspended until then (the user went back to full quality). */
  holdUntil: number;
}

export type ConferenceStatus = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'failed';

export interface ConferenceState {
  status: ConferenceStatus;
  meetingId: string;
  /** The meeting's title, once joined. */
  room: string;
  selfId: string | null;
  /** How the others see this participant (name, bridge point, unit), from the account. */
  self: PeerInfo | null;
  /** The others, in the order they joined. */
  peers: RemotePeer[];
  micMuted: boolean;
  cameraOff: boolean;
  /** Our camera track as sent now (it changes when another camera is chosen). */
  localVideo: MediaStreamTrack | null;
  /** Our screen share, while one is on. */
  screenTrack: MediaStreamTrack | null;
  /** The peer the server hears as the dominant speaker now (null: nobody, or ourselves). */
  activeSpeakerId: string | null;
  /** What this client receives and sends now: the user's choice, or less when the link fell back. */
  receiveMode: ReceiveMode;
  /** What the user chose (device settings); the automatic fallback never goes above it. */
  chosenReceiveMode: ReceiveMode;
  link: LinkView | null;
  fallback: FallbackView;
  /** The others' links as the server judges them (chair and hosts only; empty for others). */
  peerLinks: Readonly<Record<string, PeerLink>>;
  /** Error code (see common/protocol ErrorCode) or message of the last failure. */
  error: unknown;
}

export type ConferenceStore = StoreApi<ConferenceState>;

export const initialConferenceState: ConferenceState = {
  status: 'idle',
  meetingId: '',
  room: '',
  selfId: null,
  self: null,
  peers: [],
  micMuted: false,
  cameraOff: false,
  localVideo: null,
  screenTrack: null,
  activeSpeakerId: null,
  receiveMode: 'normal',
  chosenReceiveMode: 'normal',
  link: null,
  fallback: { level: 0, since: null, holdUntil: 0 },
  peerLinks: {},
  error: null,
};

export function createConferenceStore(): ConferenceStore {
  return createStore<ConferenceState>()(() => initialConferenceState);
}

// ---- updates (pure: they return the next value, keeping what did not change) ------------------

/** The peers in the order they joined. */
export function sortPeers(peers: RemotePeer[]): RemotePeer[] {
  return peers.sort((a, b) => a.info.joinedAt - b.info.joinedAt);
}

/** A peer joined (or joined again: its old entry goes). */
export function addPeer(peers: readonly RemotePeer[], info: PeerInfo): RemotePeer[] {
  return sortPeers([...peers.filter((p) => p.info.id !== info.id), { info, tracks: [] }]);
}

/** A peer's description changed (muted, sharing, hand): only that peer's object is new. */
export function updatePeerInfo(peers: readonly RemotePeer[], info: PeerInfo): RemotePeer[] {
  return sortPeers(peers.map((p) => (p.info.id === info.id ? { ...p, info } : p)));
}

export function removePeer(peers: readonly RemotePeer[], peerId: string): RemotePeer[] {
  return peers.filter((p) => p.info.id !== peerId);
}

/** A consumer's track for a peer (it replaces the peer's earlier track of the same source). */
export function addTrack(peers: readonly RemotePeer[], peerId: string, track: RemoteTrack): RemotePeer[] {
  return peers.map((p) => (p.info.id === peerId ? { ...p, tracks: [...p.tracks.filter((t) => t.source !== track.source), track] } : p));
}

/** Changes (or, with null, removes) one consumer's track; the array stays the same when no peer has it. */
export function updateTrack(peers: RemotePeer[], consumerId: string, patch: Partial<RemoteTrack> | null): RemotePeer[] {
  let changed = false;
  const next = peers.map((p) => {
    if (!p.tracks.some((t) => t.consumerId === consumerId)) return p;
    const tracks =
      patch === null
        ? p.tracks.filter((t) => t.consumerId !== consumerId)
        : p.tracks.map((t) => (t.consumerId === consumerId && Object.entries(patch).some(([k, v]) => t[k as keyof RemoteTrack] !== v) ? { ...t, ...patch } : t));
    if (tracks.every((t, i) => t === p.tracks[i]) && tracks.length === p.tracks.length) return p;
    changed = true;
    return { ...p, tracks };
  });
  return changed ? next : peers;
}

/** Two link views show the same (the link is measured every few seconds, mostly unchanged). */
export function sameLink(a: LinkView | null, b: LinkView | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (Object.keys(a) as (keyof LinkView)[]).every((k) => a[k] === b[k]);
}

// ---- selectors ----------------------------------------------------------------------------------

export const selectStatus = (s: ConferenceState) => s.status;
export const selectInRoom = (s: ConferenceState) => s.status === 'joined' || s.status === 'reconnecting';
export const selectSelf = (s: ConferenceState) => s.self;
export const selectSelfId = (s: ConferenceState) => s.selfId;
export const selectPeers = (s: ConferenceState) => s.peers;
export const selectPeerCount = (s: ConferenceState) => s.peers.length;
export const selectMicMuted = (s: ConferenceState) => s.micMuted;
export const selectCameraOff = (s: ConferenceState) => s.cameraOff;
export const selectScreenTrack = (s: ConferenceState) => s.screenTrack;
export const selectLocalVideo = (s: ConferenceState) => s.localVideo;
export const selectActiveSpeakerId = (s: ConferenceState) => s.activeSpeakerId;
export const selectReceiveMode = (s: ConferenceState) => s.receiveMode;
export const selectLink = (s: ConferenceState) => s.link;
export const selectFallback = (s: ConferenceState) => s.fallback;
export const selectMeetingId = (s: ConferenceState) => s.meetingId;
export const selectError = (s: ConferenceState) => s.error;

/** One remote peer (undefined once it left): the same object until that peer changes. */
export const selectPeer =
  (peerId: string | null | undefined) =>
  (s: ConferenceState): RemotePeer | undefined =>
    peerId ? s.peers.find((p) => p.info.id === peerId) : undefined;

export const selectIsSpeaking = (peerId: string) => (s: ConferenceState) => s.activeSpeakerId === peerId;

export const selectPeerLink = (peerId: string) => (s: ConferenceState) => s.peerLinks[peerId];

/** What a layout needs of a peer: who, which account, whether it shares a screen. */
export interface RosterEntry {
  peerId: string;
  accountId: string;
  sharingScreen: boolean;
}

const rosterOf = (peers: readonly RemotePeer[]): RosterEntry[] =>
  peers.map((p) => ({ peerId: p.info.id, accountId: p.info.accountId, sharingScreen: p.info.producers.some((x) => x.source === 'screen') }));

const sameRoster = (a: readonly RosterEntry[], b: readonly RosterEntry[]) =>
  a.length === b.length && a.every((x, i) => x.peerId === b[i]!.peerId && x.accountId === b[i]!.accountId && x.sharingScreen === b[i]!.sharingScreen);

/**
 * A selector of something derived from `peers` that keeps its last result (by identity) while
 * `peers` is the same array, and also while a new `peers` derives an equal value (`same`). One per
 * subscriber (each keeps its own last result).
 */
function memoOnPeers<T>(derive: (peers: readonly RemotePeer[]) => T, same: (a: T, b: T) => boolean, initial: T): (s: ConferenceState) => T {
  let lastPeers: readonly RemotePeer[] | null = null;
  let last = initial;
  return (s) => {
    if (s.peers === lastPeers) return last;
    lastPeers = s.peers;
    const next = derive(s.peers);
    if (!same(next, last)) last = next;
    return last;
  };
}

/**
 * Builds a memoised selector of the room's roster: the same array (by identity) as long as nobody
 * joined, left or started or stopped sharing a screen, whatever happens to tracks, microphones or
 * the active speaker.
 */
export function makeRosterSelector(): (s: ConferenceState) => RosterEntry[] {
  return memoOnPeers(rosterOf, sameRoster, []);
}

const audioTracksOf = (peers: readonly RemotePeer[]): RemoteTrack[] => peers.flatMap((p) => p.tracks.filter((t) => t.kind === 'audio'));

const sameTracks = (a: readonly RemoteTrack[], b: readonly RemoteTrack[]) =>
  a.length === b.length && a.every((t, i) => t.consumerId === b[i]!.consumerId && t.track === b[i]!.track);

/** The others' audio tracks (one list for the room's sound), memoised like the roster. */
export function makeAudioTracksSelector(): (s: ConferenceState) => RemoteTrack[] {
  return memoOnPeers(audioTracksOf, sameTracks, []);
}
