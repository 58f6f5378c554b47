/**
 * The conference engine: the one façade the features use for a meeting's conference. It puts
 * together
 * - the store (conference-store.ts): the state React reads, through selectors, so a component
 *   re-renders only when its slice changes (use-conference.ts);
 * - the signaling session (signaling-session.ts): the connection, its liveness, automatic rejoin
 *   with the same name, point and devices, and the notifications' event bus;
 * - the media session (media-session.ts): device, transports, producers, consumers, local
 *   controls, the tiles on screen, and our link (link/link-watch.ts).
 */
import type { Method, NotificationName, Notifications, ReceiveMode, RequestData, ResponseData, TileView } from '../../../../common/protocol';
import { Placement } from '../../../../common/api/cluster';
import { api } from '../../net/api-client';
import { SignalingClient } from '../../net/signaling-client';
import { signalingUrl } from '../../platform/desktop';
import { createConferenceStore, type ConferenceState, type ConferenceStore } from './conference-store';
import { defaultMediaDeps, MediaSession, type MediaDeps } from './media-session';
import { SignalingSession, type SessionDeps } from './signaling-session';
import type { TrackStats } from './track-stats';

export type { ConferenceState, ConferenceStatus, FallbackView, LinkView, RemotePeer, RemoteTrack } from './conference-store';

export interface JoinOptions {
  server: string;
  meetingId: string;
  stream: MediaStream;
  micMuted?: boolean;
  cameraOff?: boolean;
}

/** What the engine is built on; tests give a fake connection and a device with a fake handler. */
export type EngineDeps = SessionDeps & Pick<MediaDeps, 'createDevice'>;

const defaultDeps = (): EngineDeps => ({
  connect: (server, placedUrl) => new SignalingClient(placedUrl ?? signalingUrl(server)),
  // Several servers: the server that carries this meeting for us (one server: null, its own address).
  place: (_server, meetingId, avoid) => api.call('GET', `/api/meetings/${encodeURIComponent(meetingId)}/placement${avoid ? `?avoid=${encodeURIComponent(avoid)}` : ''}`, { schema: Placement }),
  refreshAuth: () => api.me(),
  createDevice: defaultMediaDeps(() => undefined).createDevice,
});

export class ConferenceEngine {
  /** The state, for selectors (useConference(engine, selector)). */
  readonly store: ConferenceStore = createConferenceStore();
  readonly #media: MediaSession;
  readonly #signaling: SignalingSession;

  constructor(deps: Partial<EngineDeps> = {}) {
    const d = { ...defaultDeps(), ...deps };
    this.#media = new MediaSession(this.store, { createDevice: d.createDevice, onConnectionLost: (c) => this.#signaling.connectionLost(c) });
    this.#signaling = new SignalingSession(this.store, this.#media, d);
  }

  // ---- state for React -------------------------------------------------------------------
  getState = (): ConferenceState => this.store.getState();

  /** Called on every change of any part of the state (prefer a selector: use-conference.ts). */
  subscribe = (listener: () => void): (() => void) => this.store.subscribe(() => listener());

  // ---- for feature engines (voting, floor, documents, chat...) ----------------------------
  /** A request over this meeting's signaling connection; fails with code 'closed' when not connected. */
  request<M extends Method>(method: M, data: RequestData<M>): Promise<ResponseData<M>> {
    return this.#signaling.request(method, data);
  }

  /** Listens to one notification, across reconnects; returns the function that stops listening. */
  on<N extends NotificationName>(name: N, handler: (data: Notifications[N]) => void): () => void {
    return this.#signaling.on(name, handler);
  }

  /**
   * Called after every successful join, the first and each automatic rejoin: the moment a feature
   * asks the server for its current state (the server pushes only changes).
   */
  onJoined(handler: () => void): () => void {
    return this.#signaling.onJoined(handler);
  }

  // ---- joining and leaving ---------------------------------------------------------------
  async join(options: JoinOptions): Promise<void> {
    this.#media.start(options);
    await this.#signaling.join(options.server, options.meetingId);
  }

  async leave(): Promise<void> {
    await this.#signaling.leave();
    this.#media.release();
  }

  // ---- local controls --------------------------------------------------------------------
  /**
   * Mutes or unmutes the microphone. Unmuting can be refused by the server (controlled floor, host
   * mute: error code 'forbidden'); the microphone then stays muted and the error is thrown.
   */
  setMicMuted(muted: boolean): Promise<void> {
    return this.#media.setMicMuted(muted);
  }

  setCameraOff(off: boolean): Promise<void> {
    return this.#media.setCameraOff(off);
  }

  /**
   * The tiles the layout shows now (peer, source, size in CSS px, pinned). The server forwards
   * video only for these, at the layer that fits their height. Calls are coalesced; the latest list
   * is sent again after every rejoin.
   */
  setTileViews(views: TileView[]): void {
    this.#media.setTileViews(views);
  }

  /**
   * normal; low (weak link: we send only our lowest simulcast layer and receive the lowest layers);
   * audio-only (no video sent or received, audio stays).
   */
  setReceiveMode(mode: ReceiveMode): Promise<void> {
    return this.#media.setReceiveMode(mode);
  }

  /** The fallback banner's one click: back to full quality now; no automatic fallback for a while. */
  restoreFullQuality(): Promise<void> {
    return this.#media.restoreFullQuality();
  }

  /**
   * Shares a screen or a window (a track from getDisplayMedia) as the 'screen' source; replaces a
   * share already on. The share stops by itself when the track ends (the browser's own "stop
   * sharing", the window closed).
   */
  startScreenShare(track: MediaStreamTrack): Promise<void> {
    return this.#media.startScreenShare(track);
  }

  stopScreenShare(): Promise<void> {
    return this.#media.stopScreenShare();
  }

  /**
   * Uses another camera or microphone during the call: the producer's track is replaced in place
   * (RTCRtpSender.replaceTrack, no renegotiation); the old track is stopped. Without a producer yet
   * (joined without that device), one is created.
   */
  replaceTrack(source: 'mic' | 'webcam', track: MediaStreamTrack): Promise<void> {
    return this.#media.replaceTrack(source, track);
  }

  get localStream(): MediaStream | null {
    return this.#media.localStream;
  }

  // ---- statistics ------------------------------------------------------------------------
  /** The full statistics of our send and receive transports (diagnostics: ICE candidates in use, ports, codecs). */
  transportStats(): Promise<RTCStatsReport[]> {
    return this.#media.transportStats();
  }

  /** Receive statistics of one remote peer's audio and video. */
  peerStats(peerId: string): Promise<{ video: TrackStats | null; audio: TrackStats | null }> {
    return this.#media.peerStats(peerId);
  }
}
