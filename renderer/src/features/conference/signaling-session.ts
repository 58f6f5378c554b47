/**
 * The conference's signaling session: one meeting's connection to the server, kept alive across
 * network cuts. It joins, buffers notifications that arrive before the join's answer, hands every
 * notification in order to the media session and to the features' listeners (the event bus),
 * watches liveness (a cut often leaves the WebSocket looking open), and rejoins automatically with
 * short jittered waits until the server ends the presence for good. What is set up over the
 * connection (device, transports, producers) belongs to the media session, through `SessionMedia`.
 */
import type { IceServer, Method, NotificationName, Notifications, RequestData, ResponseData } from '../../../../common/protocol';
import { SignalingError } from '../../net/signaling-client';
import type { ConferenceStore } from './conference-store';
import { livenessAction, LIVENESS_TICK_MS } from './link/liveness';

/** What the session needs of a connection (the real one is net/signaling-client.ts). */
export interface SignalingConnection {
  readonly opened: Promise<void>;
  readonly isOpen: boolean;
  /** When the server was last heard from (any frame), ms since the epoch. */
  readonly lastHeardAt: number;
  request<M extends Method>(method: M, data: RequestData<M>): Promise<ResponseData<M>>;
  onNotification(handler: <N extends NotificationName>(name: N, data: Notifications[N]) => void): void;
  onClose(handler: (code: number, reason: string) => void): void;
  close(): void;
}

export type JoinAnswer = ResponseData<'join'>;

/** The media session's part of joining, leaving and following the room (see media-session.ts). */
export interface SessionMedia {
  /** The join was answered: ready the device for the router (before the room's list is applied). */
  prepare(joined: JoinAnswer): Promise<void>;
  /** Transports, producers and `ready`; `current()` turns false if the session moved on meanwhile. */
  setUp(connection: SignalingConnection, joined: JoinAnswer, iceServers: IceServer[], current: () => boolean): Promise<void>;
  /** Joined (the first time or again): start what follows the link, send what we show. */
  joined(connection: SignalingConnection, current: () => boolean): void;
  /** One notification, handled after the previous one. */
  handle(name: NotificationName, data: Notifications[NotificationName]): Promise<void>;
  /** The connection is gone. `final`: not coming back (stop the local devices too). */
  tearDown(final: boolean): void;
}

/** Where to connect for a meeting (several servers: common/api/cluster.ts `Placement`). */
export interface PlacementAnswer {
  serverId: string | null;
  /** null: the server's own address (one server). */
  signalingUrl: string | null;
}

export interface SessionDeps {
  /** Opens a connection to the server's signaling endpoint, or to `signalingUrl` where placement sent us. */
  connect: (server: string, signalingUrl?: string) => SignalingConnection;
  /**
   * Several servers: which server carries this meeting for us, asked before every attempt
   * (`avoid`: the server we just lost, so a dead one is not chosen again while its lease runs out).
   */
  place?: (server: string, meetingId: string, avoid: string | undefined) => Promise<PlacementAnswer>;
  /** Refreshes the account's session over HTTP (the access token may expire in a long cut). */
  refreshAuth: () => Promise<unknown>;
}

/**
 * Waits between rejoin attempts: short, so a few seconds' cut costs little more than the cut, with
 * ±20 % jitter so hundreds of points do not knock on a restarted server at the same instant.
 */
export const RECONNECT_DELAYS_MS = [250, 500, 1000, 1500, 2000];

export function reconnectDelay(attempt: number, random = Math.random): number {
  const base = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)] ?? 2000;
  return Math.round(base * (0.8 + random() * 0.4));
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
export const FINAL_CLOSE_CODES: Record<number, string> = { 4001: 'joined_elsewhere', 4003: 'session_ended', 4004: 'meeting_ended', 4005: 'removed', 4006: 'access_revoked' };
/** The server's media restarted (a worker died) and it is ready for us: rejoin without waiting. */
export const MEDIA_RESTART_CLOSE_CODE = 4010;
/** Several servers: this one is drained; ask for a placement again and rejoin elsewhere without waiting. */
export const DRAIN_CLOSE_CODE = 4011;
/** How long a placement may take before the attempt goes to the address already known. */
export const PLACEMENT_TIMEOUT_MS = 1500;
/** Join refusals that retrying cannot change. */
export const FINAL_JOIN_ERRORS = new Set(['meeting_not_live', 'not_invited', 'watch_only', 'not_found', 'forbidden', 'removed_from_meeting', 'meeting_locked']);

export class SignalingSession {
  readonly #store: ConferenceStore;
  readonly #media: SessionMedia;
  readonly #deps: SessionDeps;
  #target: { server: string; meetingId: string } | null = null;
  #client: SignalingConnection | null = null;
  /** The server the last placement chose (several servers), null when none. */
  #placedOn: string | null = null;
  /** Bumped on leave and on a final close: everything of an older session stops. */
  #session = 0;
  #notificationQueue: Promise<void> = Promise.resolve();
  readonly #featureListeners = new Map<string, Set<(data: never) => void>>();
  readonly #joinedListeners = new Set<() => void>();
  #stopLivenessWatch: (() => void) | null = null;

  constructor(store: ConferenceStore, media: SessionMedia, deps: SessionDeps) {
    this.#store = store;
    this.#media = media;
    this.#deps = deps;
  }

  /** The connection now, when open. */
  get connection(): SignalingConnection | null {
    return this.#client?.isOpen ? this.#client : null;
  }

  /** A request over this meeting's connection; fails with code 'closed' when not connected. */
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

  /** Called after every successful join, the first and each automatic rejoin. */
  onJoined(handler: () => void): () => void {
    this.#joinedListeners.add(handler);
    if (this.#store.getState().status === 'joined') handler();
    return () => this.#joinedListeners.delete(handler);
  }

  async join(server: string, meetingId: string): Promise<void> {
    this.#target = { server, meetingId };
    this.#store.setState({ status: 'joining', meetingId, error: null });
    const session = ++this.#session;
    try {
      try {
        await this.#connect(session);
      } catch (err) {
        // Several servers: the server placed on may have died a moment ago (its heartbeat not yet
        // stale). Once more, avoiding it, unless the refusal is final.
        if (!this.#placedOn || FINAL_JOIN_ERRORS.has((err as { code?: string }).code ?? '') || this.#session !== session) throw err;
        this.#teardown(false);
        await this.#connect(session, this.#placedOn);
      }
    } catch (err) {
      this.#teardown(true);
      this.#store.setState({ status: 'failed', error: err });
      throw err;
    }
  }

  async leave(): Promise<void> {
    this.#session++;
    const client = this.#client;
    if (client?.isOpen) await client.request('leave', {}).catch(() => undefined);
    this.#teardown(true);
    this.#target = null;
    this.#store.setState({ status: 'left', peers: [], selfId: null, self: null });
  }

  /** The media found the connection unusable (ICE failed): join again from scratch. */
  connectionLost(connection: SignalingConnection): void {
    if (this.#client === connection && this.#store.getState().status === 'joined') void this.#reconnect(this.#session);
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

  /**
   * Where to connect: asked again at every attempt, so a client whose server died or was drained
   * lands on a living one. No answer in time, or an error: the address already known (it is the
   * whole system's one address; a join refused there says why).
   */
  async #place(target: { server: string; meetingId: string }, avoid: string | undefined): Promise<PlacementAnswer | null> {
    const place = this.#deps.place;
    if (!place) return null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([place(target.server, target.meetingId, avoid), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), PLACEMENT_TIMEOUT_MS)))]);
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  async #connect(session: number, avoid?: string): Promise<void> {
    const target = this.#target;
    if (!target) return;
    const placed = await this.#place(target, avoid);
    if (this.#session !== session) return;
    this.#placedOn = placed?.serverId ?? null;
    const client = placed?.signalingUrl ? this.#deps.connect(target.server, placed.signalingUrl) : this.#deps.connect(target.server);
    this.#client = client;
    const dispatch = (name: NotificationName, data: Notifications[NotificationName]) => {
      if (this.#session !== session) return;
      this.#emitFeature(name, data);
      this.#notificationQueue = this.#notificationQueue.then(() => this.#media.handle(name, data)).catch((err) => {
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
        this.#teardown(true);
        this.#store.setState({ status: 'left', peers: [], selfId: null, self: null, error: { code: final } });
      } else if (this.#store.getState().status === 'joined') void this.#reconnect(session, code === MEDIA_RESTART_CLOSE_CODE || code === DRAIN_CLOSE_CODE ? 0 : undefined);
    });
    await client.opened;
    // TURN (where only 443 passes): fresh short-lived credentials on every join, asked alongside
    // the join itself (no extra round trip); none configured → [].
    const iceServers = client.request('link.iceServers', {}).then(
      (r) => r.iceServers,
      () => [],
    );
    const joined = await client.request('join', { meetingId: target.meetingId });
    if (this.#session !== session) return;
    await this.#media.prepare(joined);
    this.#store.setState({ selfId: joined.peerId, self: joined.self, room: joined.meetingTitle, peers: joined.peers.map((info) => ({ info, tracks: [] })) });
    for (const [name, data] of early) dispatch(name, data);
    early = null;

    const servers = await iceServers;
    if (this.#session !== session) return;
    const current = () => this.#session === session && this.#client === client;
    await this.#media.setUp(client, joined, servers, current);
    if (this.#session !== session) return;
    this.#store.setState({ status: 'joined', error: null });
    this.#watchLiveness(client, session);
    this.#media.joined(client, () => current() && this.#store.getState().status === 'joined');
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
   * the device going offline makes the session rejoin.
   */
  #watchLiveness(client: SignalingConnection, session: number): void {
    this.#stopLiveness();
    let lastProbeAt = 0;
    const current = () => this.#client === client && this.#session === session && this.#store.getState().status === 'joined';
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
  }

  /** `firstDelayMs`: how long before the first attempt (by default the first of RECONNECT_DELAYS_MS). */
  async #reconnect(session: number, firstDelayMs?: number): Promise<void> {
    if (this.#store.getState().status === 'reconnecting') return;
    this.#store.setState({ status: 'reconnecting' });
    this.#teardown(false);
    for (let attempt = 0; this.#session === session; attempt++) {
      const delay = attempt === 0 && firstDelayMs !== undefined ? firstDelayMs : reconnectDelay(attempt);
      if (delay > 0) await waitOrOnline(delay);
      if (this.#session !== session) return;
      // After a failed attempt the access token may have expired (a long meeting): the session is
      // refreshed through HTTP (a network error here just means we are still cut off).
      if (attempt > 0) await this.#deps.refreshAuth().catch(() => undefined);
      if (this.#session !== session) return;
      try {
        // Every attempt follows the loss of the server last placed on (dropped, drained, or the
        // attempt on it failed): placement is asked to choose another one if there is one.
        await this.#connect(session, this.#placedOn ?? undefined);
        return;
      } catch (err) {
        this.#teardown(false);
        if (FINAL_JOIN_ERRORS.has((err as { code?: string }).code ?? '')) {
          this.#session++;
          this.#teardown(true);
          this.#store.setState({ status: 'left', error: err });
          return;
        }
        this.#store.setState({ status: 'reconnecting', error: err });
      }
    }
  }

  #teardown(final: boolean): void {
    this.#stopLiveness();
    const client = this.#client;
    this.#client = null;
    if (client) {
      client.onClose(() => {});
      client.close();
    }
    this.#media.tearDown(final);
    this.#store.setState({ peers: [], activeSpeakerId: null, peerLinks: {} });
  }
}
