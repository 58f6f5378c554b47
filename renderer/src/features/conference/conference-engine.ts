/**
 * The conference engine: owns the signaling connection, the mediasoup-client device, transports,
 * producers and consumers, and exposes a plain state snapshot to React. A dropped connection is
 * rejoined automatically with the same name, point and devices.
 */
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import type { Bars, LinkProblem, LinkQuality } from '../../../../common/link-quality';
import { rateDirection, rateLink } from '../../../../common/link-quality';
import type { IceServer, LinkFallback, MediaSource, Method, NewConsumer, NotificationName, Notifications, PeerInfo, PeerLink, ReceiveMode, RequestData, ResponseData, TileView } from '../../../../common/protocol';
import { MAX_TILE_VIEWS } from '../../../../common/protocol';
import { api } from '../../net/api-client';
import { SignalingClient, SignalingError } from '../../net/signaling-client';
import { signalingUrl } from '../../platform/desktop';
import { effectiveMode, initialFallback, nextFallback, overrideFallback, SAMPLE_MS, type FallbackLevel, type FallbackState } from './link/fallback-rules';
import { linkFigures, type RecvCounters, type StatsEntry } from './link/link-figures';
import { livenessAction, LIVENESS_TICK_MS } from './link/liveness';
import { readTrackStats, type TrackStats } from './track-stats';

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

export interface JoinOptions {
  server: string;
  meetingId: string;
  stream: MediaStream;
  micMuted?: boolean;
  cameraOff?: boolean;
}

/** Three simulcast layers for camera video: the SFU forwards the one each receiver needs. */
const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 400_000 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_000_000 },
];

/** A shared screen: one layer, sharp text rather than motion. */
const SCREEN_ENCODINGS: RTCRtpEncodingParameters[] = [{ maxBitrate: 1_500_000, maxFramerate: 15 }];

/**
 * Waits between rejoin attempts: short, so a few seconds' cut costs little more than the cut, with
 * ±20 % jitter so hundreds of points do not knock on a restarted server at the same instant.
 */
const RECONNECT_DELAYS_MS = [250, 500, 1000, 1500, 2000];

function reconnectDelay(attempt: number): number {
  const base = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)] ?? 2000;
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Sleeps `ms`, or less if the device says its network is back (the `online` event). */
function waitOrOnline(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      globalThis.removeEventListener?.('online', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    globalThis.addEventListener?.('online', done);
  });
}

/** Close codes the server uses to end a presence for good (see sfu-server signaling). */
const FINAL_CLOSE_CODES: Record<number, string> = { 4001: 'joined_elsewhere', 4003: 'session_ended', 4004: 'meeting_ended', 4005: 'removed', 4006: 'access_revoked' };
/** The server's media restarted (a worker died) and it is ready for us: rejoin without waiting. */
const MEDIA_RESTART_CLOSE_CODE = 4010;
/** Join refusals that retrying cannot change. */
const FINAL_JOIN_ERRORS = new Set(['meeting_not_live', 'not_invited', 'watch_only', 'not_found', 'forbidden', 'removed_from_meeting', 'meeting_locked']);

export class ConferenceEngine {
  #state: ConferenceState = {
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
  readonly #listeners = new Set<() => void>();
  #options: JoinOptions | null = null;
  #client: SignalingClient | null = null;
  #device: Device | null = null;
  #sendTransport: types.Transport | null = null;
  #recvTransport: types.Transport | null = null;
  readonly #producers = new Map<MediaSource, types.Producer>();
  readonly #consumers = new Map<string, { consumer: types.Consumer; peerId: string }>();
  #notificationQueue: Promise<void> = Promise.resolve();
  #session = 0;
  readonly #featureListeners = new Map<string, Set<(data: never) => void>>();
  readonly #joinedListeners = new Set<() => void>();
  /** The tiles on screen as last reported by the layout; sent coalesced, and again after a rejoin. */
  #tileViews: TileView[] | null = null;
  #tileViewsTimer: ReturnType<typeof setTimeout> | null = null;
  #tileViewsInFlight: Promise<void> | null = null;
  #tileViewsDirty = false;
  #stopLivenessWatch: (() => void) | null = null;
  /** The camera sends only its lowest layer now (low-bandwidth mode). */
  #sentLayersLimited = false;
  #fallback: FallbackState = initialFallback;
  #recvCounters: RecvCounters | null = null;
  #stopLinkWatch: (() => void) | null = null;
  /** TURN servers from the server (short-lived credentials), for the WebRTC transports. */
  #iceServers: IceServer[] = [];

  // ---- state for React -------------------------------------------------------------------
  getState = (): ConferenceState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #set(patch: Partial<ConferenceState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const l of this.#listeners) l();
  }

  #setPeers(update: (peers: RemotePeer[]) => RemotePeer[]): void {
    const peers = update(this.#state.peers).sort((a, b) => a.info.joinedAt - b.info.joinedAt);
    this.#set({ peers });
  }

  // ---- for feature engines (voting, floor, documents, chat...) ----------------------------
  /** A request over this meeting's signaling connection; fails with code 'closed' when not connected. */
  request<M extends Method>(method: M, data: RequestData<M>): Promise<ResponseData<M>> {
    const client = this.#client;
    if (!client?.isOpen) return Promise.reject(new SignalingError('closed', 'not connected'));
    return client.request(method, data);
  }

  /** Listens to one notification, across reconnects; returns the function that stops listening. */
  on<N extends NotificationName>(name: N, handler: (data: Notifications[N]) => void): () => void {
    let set = this.#featureListeners.get(name);
    if (!set) this.#featureListeners.set(name, (set = new Set()));
    const h = handler as (data: never) => void;
    set.add(h);
    return () => set.delete(h);
  }

  /**
   * Called after every successful join, the first and each automatic rejoin: the moment a feature
   * asks the server for its current state (the server pushes only changes).
   */
  onJoined(handler: () => void): () => void {
    this.#joinedListeners.add(handler);
    if (this.#state.status === 'joined') handler();
    return () => this.#joinedListeners.delete(handler);
  }

  #emitFeature(name: string, data: unknown): void {
    for (const h of this.#featureListeners.get(name) ?? []) {
      try {
        (h as (d: unknown) => void)(data);
      } catch (err) {
        console.warn('notification listener failed', name, err);
      }
    }
  }

  // ---- joining and leaving ---------------------------------------------------------------
  async join(options: JoinOptions): Promise<void> {
    this.#options = options;
    this.#fallback = initialFallback;
    this.#set({
      status: 'joining',
      meetingId: options.meetingId,
      micMuted: options.micMuted ?? false,
      cameraOff: options.cameraOff ?? false,
      localVideo: options.stream.getVideoTracks()[0] ?? null,
      error: null,
    });
    try {
      await this.#connect(++this.#session);
    } catch (err) {
      this.#teardown();
      this.#set({ status: 'failed', error: err });
      throw err;
    }
  }

  async leave(): Promise<void> {
    this.#session++;
    const client = this.#client;
    if (client?.isOpen) await client.request('leave', {}).catch(() => undefined);
    this.#teardown();
    this.#options = null;
    this.#set({ status: 'left', peers: [], selfId: null, self: null });
  }

  async #connect(session: number): Promise<void> {
    const options = this.#options;
    if (!options) return;
    const client = new SignalingClient(signalingUrl(options.server));
    this.#client = client;
    const dispatch = (name: NotificationName, data: Notifications[NotificationName]) => {
      if (this.#session !== session) return;
      this.#emitFeature(name, data);
      this.#notificationQueue = this.#notificationQueue.then(() => this.#onNotification(name, data)).catch((err) => {
        console.warn('notification handling failed', name, err);
      });
    };
    // Notifications can arrive before the answer to `join` (another point joining at the same
    // moment) and describe what happened after it: they wait until the answer's list is applied.
    let early: Array<[NotificationName, Notifications[NotificationName]]> | null = [];
    client.onNotification((name, data) => {
      if (early) early.push([name, data]);
      else dispatch(name, data);
    });
    client.onClose((code) => {
      if (this.#session !== session) return;
      const final = FINAL_CLOSE_CODES[code];
      if (final) {
        // The server ended this presence on purpose: do not come back.
        this.#session++;
        this.#teardown();
        this.#set({ status: 'left', peers: [], selfId: null, self: null, error: { code: final } });
      } else if (this.#state.status === 'joined') void this.#reconnect(session, code === MEDIA_RESTART_CLOSE_CODE ? 0 : undefined);
    });
    await client.opened;
    // TURN (where only 443 passes): fresh short-lived credentials on every join, asked alongside
    // the join itself (no extra round trip); none configured → [].
    const iceServers = client.request('link.iceServers', {}).then(
      (r) => r.iceServers,
      () => [],
    );
    const joined = await client.request('join', { meetingId: options.meetingId });
    if (this.#session !== session) return;

    if (!this.#device) {
      this.#device = new Device();
      await this.#device.load({ routerRtpCapabilities: joined.routerRtpCapabilities as types.RtpCapabilities });
    }
    const device = this.#device;
    this.#set({ selfId: joined.peerId, self: joined.self, room: joined.meetingTitle, peers: joined.peers.map((info) => ({ info, tracks: [] })) });
    for (const [name, data] of early) dispatch(name, data);
    early = null;

    this.#iceServers = await iceServers;
    if (this.#session !== session) return;
    // Sending and receiving are set up side by side: the others' media starts arriving while our
    // own producers are still being negotiated (join time is dominated by round trips).
    const [send, recv] = await Promise.all([this.#createTransport(client, device, 'send'), this.#createTransport(client, device, 'recv')]);
    this.#sendTransport = send;
    this.#recvTransport = recv;
    const audio = options.stream.getAudioTracks()[0];
    const video = options.stream.getVideoTracks()[0];
    await Promise.all([
      client.request('ready', { rtpCapabilities: device.rtpCapabilities }),
      audio ? this.#produce('mic', audio, this.#state.micMuted) : null,
      video ? this.#produce('webcam', video, this.#state.cameraOff || this.#state.chosenReceiveMode === 'audio-only') : null,
      // A screen share survives a reconnect: it is produced again.
      this.#state.screenTrack?.readyState === 'live' ? this.#produce('screen', this.#state.screenTrack, false) : null,
    ]);
    if (this.#session !== session) return;
    if (this.#state.receiveMode !== 'normal') void this.#applySendLayers();
    this.#set({ status: 'joined', error: null });
    this.#watchLiveness(client, session);
    this.#watchLink(client, session);
    // What we show (or the receive mode) goes to the new connection at once.
    if (this.#tileViews || this.#state.receiveMode !== 'normal') this.#flushTileViews();
    for (const h of this.#joinedListeners) {
      try {
        h();
      } catch (err) {
        console.warn('joined listener failed', err);
      }
    }
  }

  /**
   * A network cut often leaves the WebSocket looking open (no FIN arrives). Every frame from the
   * server counts as a sign of life; after a quiet spell a small request asks for one, and only a
   * long silence (see link/liveness.ts: generous, a congested commune line is slow, not dead) or
   * the device going offline makes the engine rejoin.
   */
  #watchLiveness(client: SignalingClient, session: number): void {
    this.#stopLiveness();
    let lastProbeAt = 0;
    const current = () => this.#client === client && this.#session === session && this.#state.status === 'joined';
    const rejoin = (why: string) => {
      if (!current()) return;
      console.warn(`${why}; rejoining`);
      void this.#reconnect(session);
    };
    const onOffline = () => rejoin('the device is offline');
    globalThis.addEventListener?.('offline', onOffline);
    const timer = setInterval(() => {
      if (!current()) return;
      const now = Date.now();
      const action = livenessAction(now, client.lastHeardAt, lastProbeAt);
      if (action === 'rejoin') rejoin('signaling has been silent too long');
      else if (action === 'probe') {
        lastProbeAt = now;
        client.request('media.ping', {}).catch(() => undefined);
      }
    }, LIVENESS_TICK_MS);
    this.#stopLivenessWatch = () => {
      clearInterval(timer);
      globalThis.removeEventListener?.('offline', onOffline);
    };
  }

  #stopLiveness(): void {
    this.#stopLivenessWatch?.();
    this.#stopLivenessWatch = null;
    this.#stopLinkWatch?.();
    this.#stopLinkWatch = null;
  }

  // ---- our link: signal bars, automatic fallback, report to the server ------------------------
  /**
   * Every SAMPLE_MS: measures our link from both transports' statistics, shows it as signal bars,
   * feeds the automatic fallback, and reports it to the server (which tells the chair). Chairs and
   * hosts also load the others' links once (then follow `linkQuality` notifications).
   */
  #watchLink(client: SignalingClient, session: number): void {
    this.#recvCounters = null;
    let busy = false;
    const timer = setInterval(() => {
      if (busy || this.#client !== client || this.#session !== session || this.#state.status !== 'joined') return;
      busy = true;
      void this.#sampleLink(client)
        .catch((err: unknown) => console.warn('could not measure the link', err))
        .finally(() => (busy = false));
    }, SAMPLE_MS);
    this.#stopLinkWatch = () => clearInterval(timer);
    client.request('link.states', {}).then(
      ({ links }) => {
        if (this.#client === client) this.#set({ peerLinks: Object.fromEntries(links.filter((l) => l.peerId !== this.#state.selfId).map((l) => [l.peerId, l])) });
      },
      () => undefined, // not the chair or a host: forbidden
    );
  }

  async #sampleLink(client: SignalingClient): Promise<void> {
    const send = this.#sendTransport;
    const recv = this.#recvTransport;
    if (!send || !recv || send.closed || recv.closed) return;
    const list = (report: RTCStatsReport) => {
      const out: StatsEntry[] = [];
      report.forEach((e: StatsEntry) => out.push(e));
      return out;
    };
    const [sendStats, recvStats] = await Promise.all([send.getStats(), recv.getStats()]);
    if (this.#client !== client) return;
    const now = Date.now();
    const f = linkFigures(list(sendStats), list(recvStats), this.#recvCounters, now);
    this.#recvCounters = f.counters;
    const sendsVideo = this.#state.chosenReceiveMode !== 'audio-only' && !this.#state.cameraOff && this.#producers.has('webcam');
    // A low bandwidth estimate counts only when it actually holds our video back; what we receive
    // is judged by loss and delay (little arrives on a good link when nobody sends video).
    const rating = rateLink(
      rateDirection({ loss: f.send.loss, rttMs: f.send.rttMs, bitrate: f.send.limitedByBandwidth ? f.send.bitrate : null }, sendsVideo),
      rateDirection({ loss: f.recv.loss, rttMs: f.recv.rttMs, bitrate: null }),
    );
    const percent = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
    const link: LinkView = {
      sendBars: rating.send.bars,
      recvBars: rating.recv.bars,
      quality: rating.quality,
      suggestion: rating.suggestion,
      lossPercent: f.send.loss === null && f.recv.loss === null ? null : percent(Math.max(f.send.loss ?? 0, f.recv.loss ?? 0)),
      rttMs: f.send.rttMs ?? f.recv.rttMs,
      availableSendKbps: f.send.bitrate === null ? null : Math.round(f.send.bitrate / 1000),
    };
    this.#set({ link });
    const before = this.#fallback.level;
    this.#fallback = nextFallback(this.#fallback, rating.quality, now);
    if (this.#fallback.level !== before) await this.#applyEffectiveMode();
    else this.#publishFallback();
    const fallback: LinkFallback = this.#fallback.level === 2 ? 'audio-only' : this.#fallback.level === 1 ? 'reduced' : 'none';
    client
      .request('link.report', {
        sendBars: link.sendBars,
        recvBars: link.recvBars,
        sendLossPercent: percent(f.send.loss),
        recvLossPercent: percent(f.recv.loss),
        rttMs: link.rttMs === null ? null : Math.min(120_000, Math.round(link.rttMs)),
        availableSendKbps: link.availableSendKbps,
        fallback,
      })
      .catch(() => undefined);
  }

  #publishFallback(): void {
    const f = this.#fallback;
    const cur = this.#state.fallback;
    if (cur.level !== f.level || cur.since !== f.since || cur.holdUntil !== f.holdUntil) this.#set({ fallback: { level: f.level, since: f.since, holdUntil: f.holdUntil } });
  }

  /** The banner's one click: back to full quality now; no automatic fallback for a while. */
  async restoreFullQuality(): Promise<void> {
    this.#fallback = overrideFallback(this.#fallback, Date.now());
    await this.#applyEffectiveMode();
  }

  async #applyEffectiveMode(): Promise<void> {
    this.#publishFallback();
    await this.#applyMode(effectiveMode(this.#state.chosenReceiveMode, this.#fallback.level));
    await this.#applyCameraPause();
  }

  /** `firstDelayMs`: how long before the first attempt (by default the first of RECONNECT_DELAYS_MS). */
  async #reconnect(session: number, firstDelayMs?: number): Promise<void> {
    if (this.#state.status === 'reconnecting') return;
    this.#set({ status: 'reconnecting' });
    this.#teardown({ keepOptions: true });
    for (let attempt = 0; this.#session === session; attempt++) {
      const delay = attempt === 0 && firstDelayMs !== undefined ? firstDelayMs : reconnectDelay(attempt);
      if (delay > 0) await waitOrOnline(delay);
      if (this.#session !== session) return;
      // After a failed attempt the access token may have expired (a long meeting): the session is
      // refreshed through HTTP (a network error here just means we are still cut off).
      if (attempt > 0) await api.me().catch(() => undefined);
      if (this.#session !== session) return;
      try {
        await this.#connect(session);
        return;
      } catch (err) {
        this.#teardown({ keepOptions: true });
        if (FINAL_JOIN_ERRORS.has((err as { code?: string }).code ?? '')) {
          this.#session++;
          this.#teardown();
          this.#set({ status: 'left', error: err });
          return;
        }
        this.#set({ status: 'reconnecting', error: err });
      }
    }
  }

  #teardown(opts: { keepOptions?: boolean } = {}): void {
    this.#stopLiveness();
    const client = this.#client;
    this.#client = null;
    if (client) {
      client.onClose(() => {});
      client.close();
    }
    for (const { consumer } of this.#consumers.values()) consumer.close();
    this.#consumers.clear();
    for (const p of this.#producers.values()) {
      // Keep the local tracks alive across a reconnect: the producer must not stop them.
      p.close();
    }
    this.#producers.clear();
    this.#sendTransport?.close();
    this.#recvTransport?.close();
    this.#sendTransport = null;
    this.#recvTransport = null;
    if (!opts.keepOptions) {
      for (const t of this.#options?.stream.getTracks() ?? []) t.stop();
      this.#state.screenTrack?.stop();
      this.#set({ screenTrack: null });
    }
    this.#set({ peers: [], activeSpeakerId: null, peerLinks: {} });
  }

  async #createTransport(client: SignalingClient, device: Device, direction: 'send' | 'recv'): Promise<types.Transport> {
    const options = await client.request('createWebRtcTransport', { direction });
    const params = {
      ...(this.#iceServers.length > 0 ? { iceServers: this.#iceServers as RTCIceServer[] } : {}),
      id: options.id,
      iceParameters: options.iceParameters as types.IceParameters,
      iceCandidates: options.iceCandidates as types.IceCandidate[],
      dtlsParameters: options.dtlsParameters as types.DtlsParameters,
    };
    const transport = direction === 'send' ? device.createSendTransport(params) : device.createRecvTransport(params);
    transport.on('connectionstatechange', (state) => {
      // ICE could not be kept up (the network changed or was cut too long): join again from scratch.
      if (state === 'failed' && this.#client === client && this.#state.status === 'joined') void this.#reconnect(this.#session);
    });
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      client.request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        client
          .request('produce', {
            transportId: transport.id,
            kind,
            rtpParameters,
            source: appData['source'] as MediaSource,
            paused: appData['paused'] === true,
          })
          .then(({ id }) => callback({ id }), errback);
      });
    }
    return transport;
  }

  async #produce(source: MediaSource, track: MediaStreamTrack, paused: boolean): Promise<void> {
    const transport = this.#sendTransport;
    if (!transport) return;
    const producer = await transport.produce({
      track,
      stopTracks: false,
      appData: { source, paused },
      ...(source === 'webcam' ? { encodings: CAMERA_ENCODINGS, codecOptions: { videoGoogleStartBitrate: 600 } } : {}),
      ...(source === 'screen' ? { encodings: SCREEN_ENCODINGS, codecOptions: { videoGoogleStartBitrate: 1000 } } : {}),
      // No DTX: the speaker's stream keeps its 20 ms cadence on lossy links (FEC rides on the next packet); see media-codecs.ts.
      ...(source === 'mic' ? { codecOptions: { opusStereo: false, opusDtx: false, opusFec: true } } : {}),
    });
    if (paused) producer.pause();
    this.#producers.set(source, producer);
  }

  // ---- notifications ---------------------------------------------------------------------
  async #onNotification<N extends NotificationName>(name: N, data: Notifications[N]): Promise<void> {
    switch (name) {
      case 'micForced': {
        this.#onMicForced((data as Notifications['micForced']).muted);
        break;
      }
      case 'peerJoined': {
        const { peer } = data as Notifications['peerJoined'];
        this.#setPeers((peers) => [...peers.filter((p) => p.info.id !== peer.id), { info: peer, tracks: [] }]);
        break;
      }
      case 'peerUpdated': {
        const { peer } = data as Notifications['peerUpdated'];
        this.#setPeers((peers) => peers.map((p) => (p.info.id === peer.id ? { ...p, info: peer } : p)));
        break;
      }
      case 'peerLeft': {
        const { peerId } = data as Notifications['peerLeft'];
        for (const [id, c] of this.#consumers) {
          if (c.peerId === peerId) {
            c.consumer.close();
            this.#consumers.delete(id);
          }
        }
        this.#setPeers((peers) => peers.filter((p) => p.info.id !== peerId));
        if (this.#state.peerLinks[peerId]) {
          const { [peerId]: _gone, ...rest } = this.#state.peerLinks;
          this.#set({ peerLinks: rest });
        }
        break;
      }
      case 'newConsumer':
        await this.#consume(data as NewConsumer);
        break;
      case 'consumerClosed': {
        const { consumerId } = data as Notifications['consumerClosed'];
        this.#consumers.get(consumerId)?.consumer.close();
        this.#consumers.delete(consumerId);
        this.#updateTrack(consumerId, null);
        break;
      }
      case 'linkQuality': {
        const link = data as Notifications['linkQuality'];
        if (link.peerId !== this.#state.selfId) this.#set({ peerLinks: { ...this.#state.peerLinks, [link.peerId]: link } });
        break;
      }
      case 'activeSpeaker': {
        const { peerId } = data as Notifications['activeSpeaker'];
        this.#set({ activeSpeakerId: peerId });
        break;
      }
      case 'consumerForwarding': {
        const { consumerId, forwarding } = data as Notifications['consumerForwarding'];
        this.#updateTrack(consumerId, { forwarding });
        break;
      }
      case 'consumerPaused':
      case 'consumerResumed': {
        const { consumerId } = data as Notifications['consumerPaused'];
        this.#updateTrack(consumerId, { producerPaused: name === 'consumerPaused' });
        break;
      }
    }
  }

  async #consume(n: NewConsumer): Promise<void> {
    const transport = this.#recvTransport;
    const client = this.#client;
    if (!transport || !client) return;
    const consumer = await transport.consume({
      id: n.id,
      producerId: n.producerId,
      kind: n.kind,
      rtpParameters: n.rtpParameters as types.RtpParameters,
      appData: { source: n.source },
    });
    this.#consumers.set(consumer.id, { consumer, peerId: n.peerId });
    const track: RemoteTrack = { consumerId: consumer.id, kind: n.kind, source: n.source, track: consumer.track, producerPaused: n.producerPaused, forwarding: true };
    this.#setPeers((peers) =>
      peers.map((p) => (p.info.id === n.peerId ? { ...p, tracks: [...p.tracks.filter((t) => t.source !== n.source), track] } : p)),
    );
    // Not awaited: the next notification (often the same peer's other track) is consumed meanwhile.
    client.request('resumeConsumer', { consumerId: consumer.id }).catch((err: unknown) => console.warn('could not resume a consumer', err));
  }

  #updateTrack(consumerId: string, patch: Partial<RemoteTrack> | null): void {
    this.#setPeers((peers) =>
      peers.map((p) => {
        if (!p.tracks.some((t) => t.consumerId === consumerId)) return p;
        const tracks = patch === null ? p.tracks.filter((t) => t.consumerId !== consumerId) : p.tracks.map((t) => (t.consumerId === consumerId ? { ...t, ...patch } : t));
        return { ...p, tracks };
      }),
    );
  }

  // ---- local controls --------------------------------------------------------------------
  /**
   * Mutes or unmutes the microphone. Unmuting can be refused by the server (controlled floor, host
   * mute: error code 'forbidden'); the microphone then stays muted and the error is thrown.
   */
  async setMicMuted(muted: boolean): Promise<void> {
    this.#set({ micMuted: muted });
    try {
      await this.#setProducerPaused('mic', muted);
    } catch (err) {
      if (!muted) {
        this.#producers.get('mic')?.pause();
        this.#set({ micMuted: true });
      }
      throw err;
    }
  }

  /** The server paused or resumed our microphone (`micForced`): follow it locally, no request. */
  #onMicForced(muted: boolean): void {
    const producer = this.#producers.get('mic');
    if (producer) {
      if (muted) producer.pause();
      else producer.resume();
    }
    this.#set({ micMuted: muted });
  }

  async setCameraOff(off: boolean): Promise<void> {
    this.#set({ cameraOff: off });
    const track = this.#options?.stream.getVideoTracks()[0];
    if (track) track.enabled = !off;
    // In audio-only mode the camera stays paused whatever the button says; it follows on leaving it.
    if (this.#state.chosenReceiveMode !== 'audio-only') await this.#setProducerPaused('webcam', off);
  }

  // ---- what we show and how much we receive ------------------------------------------------
  /**
   * The tiles the layout shows now (peer, source, size in CSS px, pinned). The server forwards
   * video only for these, at the layer that fits their height. Calls are coalesced; the latest list
   * is sent again after every rejoin.
   */
  setTileViews(views: TileView[]): void {
    const next = views.slice(0, MAX_TILE_VIEWS).map((v) => ({
      peerId: v.peerId,
      source: v.source,
      width: Math.max(0, Math.min(16_384, Math.round(v.width))),
      height: Math.max(0, Math.min(16_384, Math.round(v.height))),
      ...(v.pinned ? { pinned: true } : {}),
    }));
    if (this.#tileViews && JSON.stringify(this.#tileViews) === JSON.stringify(next)) return;
    this.#tileViews = next;
    this.#scheduleTileViews();
  }

  /**
   * normal; low (weak link: we send only our lowest simulcast layer and receive the lowest layers);
   * audio-only (no video sent or received, audio stays).
   */
  async setReceiveMode(mode: ReceiveMode): Promise<void> {
    const order: ReceiveMode[] = ['normal', 'low', 'audio-only'];
    this.#set({ chosenReceiveMode: mode });
    // Choosing more than the automatic fallback allows now is the same as its "go back" click.
    if (order.indexOf(mode) < this.#fallback.level) this.#fallback = overrideFallback(this.#fallback, Date.now());
    await this.#applyEffectiveMode();
  }

  async #applyMode(mode: ReceiveMode): Promise<void> {
    if (mode === this.#state.receiveMode) return;
    this.#set({ receiveMode: mode });
    this.#scheduleTileViews(0);
    if (mode !== 'normal' || this.#sentLayersLimited) await this.#applySendLayers();
  }

  /**
   * The camera is paused only when the user chose audio only. The automatic fallback's audio-only
   * level stops the video we receive, but keeps sending our lowest layer: the chair still sees the
   * point at a low layer rather than not at all (the sender's bandwidth estimate and Chromium's
   * pacer put speech first).
   */
  async #applyCameraPause(): Promise<void> {
    const producer = this.#producers.get('webcam');
    if (!producer || producer.closed || this.#state.cameraOff) return;
    const paused = this.#state.chosenReceiveMode === 'audio-only';
    if (producer.paused !== paused) await this.#setProducerPaused('webcam', paused).catch(() => undefined);
  }

  /** Low-bandwidth and audio-only modes send only the lowest simulcast layer; otherwise all three. */
  async #applySendLayers(): Promise<void> {
    const producer = this.#producers.get('webcam');
    if (!producer || producer.closed) return;
    const low = this.#state.receiveMode !== 'normal';
    try {
      this.#sentLayersLimited = low;
      await producer.setMaxSpatialLayer(low ? 0 : CAMERA_ENCODINGS.length - 1);
    } catch (err) {
      console.warn('could not limit the sent layers', err);
    }
  }

  #scheduleTileViews(delayMs = 150): void {
    if (this.#tileViewsTimer) clearTimeout(this.#tileViewsTimer);
    this.#tileViewsTimer = setTimeout(() => {
      this.#tileViewsTimer = null;
      this.#flushTileViews();
    }, delayMs);
  }

  /** Sends the latest views; one request at a time, the newest list wins. */
  #flushTileViews(): void {
    if (this.#tileViewsInFlight) {
      this.#tileViewsDirty = true;
      return;
    }
    const client = this.#client;
    if (!client?.isOpen || this.#state.status !== 'joined') return;
    this.#tileViewsDirty = false;
    this.#tileViewsInFlight = client
      .request('media.setTileViews', { views: this.#tileViews ?? [], receiveMode: this.#state.receiveMode })
      .then(
        () => undefined,
        (err: unknown) => console.warn('could not report the tiles on screen', err),
      )
      .finally(() => {
        this.#tileViewsInFlight = null;
        if (this.#tileViewsDirty) this.#flushTileViews();
      });
  }

  async #setProducerPaused(source: MediaSource, paused: boolean): Promise<void> {
    const producer = this.#producers.get(source);
    const client = this.#client;
    if (!producer || !client) return;
    if (paused) producer.pause();
    else producer.resume();
    await client.request(paused ? 'pauseProducer' : 'resumeProducer', { producerId: producer.id });
  }

  // ---- screen sharing and devices -----------------------------------------------------------
  /**
   * Shares a screen or a window (a track from getDisplayMedia) as the 'screen' source; replaces a
   * share already on. The share stops by itself when the track ends (the browser's own "stop
   * sharing", the window closed).
   */
  async startScreenShare(track: MediaStreamTrack): Promise<void> {
    if (this.#state.status !== 'joined') {
      track.stop();
      throw new SignalingError('closed', 'not connected');
    }
    await this.stopScreenShare();
    if ('contentHint' in track) track.contentHint = 'detail';
    track.addEventListener('ended', () => {
      if (this.#state.screenTrack === track) void this.stopScreenShare();
    });
    this.#set({ screenTrack: track });
    try {
      await this.#produce('screen', track, false);
    } catch (err) {
      track.stop();
      if (this.#state.screenTrack === track) this.#set({ screenTrack: null });
      throw err;
    }
  }

  async stopScreenShare(): Promise<void> {
    const track = this.#state.screenTrack;
    const producer = this.#producers.get('screen');
    this.#producers.delete('screen');
    if (track) this.#set({ screenTrack: null });
    track?.stop();
    if (producer) {
      producer.close();
      const client = this.#client;
      if (client?.isOpen) await client.request('closeProducer', { producerId: producer.id }).catch(() => undefined);
    }
  }

  /**
   * Uses another camera or microphone during the call: the producer's track is replaced in place
   * (RTCRtpSender.replaceTrack, no renegotiation); the old track is stopped. Without a producer yet
   * (joined without that device), one is created.
   */
  async replaceTrack(source: 'mic' | 'webcam', track: MediaStreamTrack): Promise<void> {
    const stream = this.#options?.stream;
    if (!stream) {
      track.stop();
      throw new SignalingError('closed', 'not in a meeting');
    }
    const old = source === 'mic' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
    if (source === 'webcam') track.enabled = !this.#state.cameraOff;
    const producer = this.#producers.get(source);
    if (producer && !producer.closed) {
      await producer.replaceTrack({ track });
      if (producer.paused) track.enabled = false;
    }
    if (old) {
      stream.removeTrack(old);
      old.stop();
    }
    stream.addTrack(track);
    if (source === 'webcam') this.#set({ localVideo: track });
    if (!producer && this.#sendTransport && this.#state.status === 'joined') {
      await this.#produce(source, track, source === 'mic' ? this.#state.micMuted : this.#state.cameraOff);
    }
  }

  get localStream(): MediaStream | null {
    return this.#options?.stream ?? null;
  }

  // ---- statistics ------------------------------------------------------------------------
  /** The full statistics of our send and receive transports (diagnostics: ICE candidates in use, ports, codecs). */
  async transportStats(): Promise<RTCStatsReport[]> {
    const transports = [this.#sendTransport, this.#recvTransport].filter((t): t is types.Transport => t !== null && !t.closed);
    return Promise.all(transports.map((t) => t.getStats()));
  }

  /** Receive statistics of one remote peer's audio and video. */
  async peerStats(peerId: string): Promise<{ video: TrackStats | null; audio: TrackStats | null }> {
    let video: TrackStats | null = null;
    let audio: TrackStats | null = null;
    for (const { consumer, peerId: owner } of this.#consumers.values()) {
      if (owner !== peerId || consumer.closed) continue;
      const stats = readTrackStats(consumer.id, await consumer.getStats());
      if (consumer.kind === 'video' && (consumer.appData['source'] !== 'screen' || !video)) video = stats;
      if (consumer.kind === 'audio') audio = stats;
    }
    return { video, audio };
  }
}
