/**
 * The conference's media session: the mediasoup-client device, the send and receive transports,
 * our producers (microphone, camera, screen) and the consumers of the others' media, the local
 * controls (mute, camera, screen share, device change, receive mode), the tiles we report as on
 * screen, and our link (signal bars, automatic fallback, report to the server). It follows the
 * room's notifications into the store (peers, tracks, active speaker, the others' links) with
 * updates that keep unchanged peers' objects, so only the affected tiles re-render.
 */
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import type { IceServer, MediaSource, NewConsumer, NotificationName, Notifications, ReceiveMode, TileView } from '../../../../common/protocol';
import { MAX_TILE_VIEWS } from '../../../../common/protocol';
import { SignalingError } from '../../net/signaling-client';
import { addPeer, addTrack, removePeer, updatePeerInfo, updateTrack, type ConferenceStore, type RemotePeer, type RemoteTrack } from './conference-store';
import { effectiveMode } from './link/fallback-rules';
import { LinkWatch } from './link/link-watch';
import type { JoinAnswer, SessionMedia, SignalingConnection } from './signaling-session';
import { readTrackStats, type TrackStats } from './track-stats';

export interface MediaOptions {
  stream: MediaStream;
  micMuted?: boolean;
  cameraOff?: boolean;
}

export interface MediaDeps {
  /** A mediasoup-client device (the browser's WebRTC; tests give one with a fake handler). */
  createDevice: () => Device;
  /** The connection proved unusable (ICE failed): the signaling session joins again. */
  onConnectionLost: (connection: SignalingConnection) => void;
}

/**
 * Three simulcast layers for camera video: the SFU forwards the one each receiver needs. The
 * lowest (180p) is what a commune point on a few hundred kbit/s receives of the speaker: at
 * 100 kbit/s its full 20 fps fits the 96–191 kbit/s that the bandwidth estimate towards a
 * 384 kbit/s, 5 %-loss link holds (at 150 kbit/s it cost 119–156 kbit/s and came at 7–8 fps).
 */
export const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 100_000 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 400_000 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_000_000 },
];

/** A shared screen: one layer, sharp text rather than motion. */
const SCREEN_ENCODINGS: RTCRtpEncodingParameters[] = [{ maxBitrate: 1_500_000, maxFramerate: 15 }];

export const defaultMediaDeps = (onConnectionLost: MediaDeps['onConnectionLost']): MediaDeps => ({ createDevice: () => new Device(), onConnectionLost });

export class MediaSession implements SessionMedia {
  readonly #store: ConferenceStore;
  readonly #deps: MediaDeps;
  #options: MediaOptions | null = null;
  #client: SignalingConnection | null = null;
  #device: Device | null = null;
  #sendTransport: types.Transport | null = null;
  #recvTransport: types.Transport | null = null;
  readonly #producers = new Map<MediaSource, types.Producer>();
  readonly #consumers = new Map<string, { consumer: types.Consumer; peerId: string }>();
  #iceServers: IceServer[] = [];
  /** The tiles on screen as last reported by the layout; sent coalesced, and again after a rejoin. */
  #tileViews: TileView[] | null = null;
  #tileViewsTimer: ReturnType<typeof setTimeout> | null = null;
  #tileViewsInFlight: Promise<void> | null = null;
  #tileViewsDirty = false;
  /** The camera sends only its lowest layer now (low-bandwidth mode). */
  #sentLayersLimited = false;
  readonly #link: LinkWatch;

  constructor(store: ConferenceStore, deps: MediaDeps) {
    this.#store = store;
    this.#deps = deps;
    this.#link = new LinkWatch(store, {
      transports: () => [this.#sendTransport, this.#recvTransport],
      sendsVideo: () => this.#producers.has('webcam'),
      applyMode: () => this.#applyEffectiveMode(),
    });
  }

  get #state() {
    return this.#store.getState();
  }

  get localStream(): MediaStream | null {
    return this.#options?.stream ?? null;
  }

  /** Before joining: what to send, and how (muted, camera off). */
  start(options: MediaOptions): void {
    this.#options = options;
    this.#link.reset();
    this.#store.setState({ micMuted: options.micMuted ?? false, cameraOff: options.cameraOff ?? false, localVideo: options.stream.getVideoTracks()[0] ?? null });
  }

  /** After leaving: nothing more to send. */
  release(): void {
    this.#options = null;
  }

  // ---- joining (called by the signaling session) -------------------------------------------
  async prepare(joined: JoinAnswer): Promise<void> {
    if (this.#device) return;
    const device = this.#deps.createDevice();
    await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities as types.RtpCapabilities });
    this.#device = device;
  }

  async setUp(client: SignalingConnection, _joined: JoinAnswer, iceServers: IceServer[], current: () => boolean): Promise<void> {
    const device = this.#device;
    const options = this.#options;
    if (!device || !options) return;
    this.#client = client;
    this.#iceServers = iceServers;
    // Sending and receiving are set up side by side: the others' media starts arriving while our
    // own producers are still being negotiated (join time is dominated by round trips).
    const [send, recv] = await Promise.all([this.#createTransport(client, device, 'send'), this.#createTransport(client, device, 'recv')]);
    this.#sendTransport = send;
    this.#recvTransport = recv;
    const audio = options.stream.getAudioTracks()[0];
    const video = options.stream.getVideoTracks()[0];
    const state = this.#state;
    await Promise.all([
      client.request('ready', { rtpCapabilities: device.rtpCapabilities }),
      audio ? this.#produce('mic', audio, state.micMuted) : null,
      video ? this.#produce('webcam', video, state.cameraOff || state.chosenReceiveMode === 'audio-only') : null,
      // A screen share survives a reconnect: it is produced again.
      state.screenTrack?.readyState === 'live' ? this.#produce('screen', state.screenTrack, false) : null,
    ]);
    if (!current()) return;
    if (this.#state.receiveMode !== 'normal') void this.#applySendLayers();
  }

  joined(client: SignalingConnection, current: () => boolean): void {
    this.#link.start(client, current);
    // What we show (or the receive mode) goes to the new connection at once.
    if (this.#tileViews || this.#state.receiveMode !== 'normal') this.#flushTileViews();
  }

  tearDown(final: boolean): void {
    this.#link.stop();
    this.#client = null;
    for (const { consumer } of this.#consumers.values()) consumer.close();
    this.#consumers.clear();
    // Keep the local tracks alive across a reconnect: the producers do not stop them.
    for (const p of this.#producers.values()) p.close();
    this.#producers.clear();
    this.#sendTransport?.close();
    this.#recvTransport?.close();
    this.#sendTransport = null;
    this.#recvTransport = null;
    if (final) {
      for (const t of this.#options?.stream.getTracks() ?? []) t.stop();
      this.#state.screenTrack?.stop();
      this.#store.setState({ screenTrack: null });
    }
  }

  async #createTransport(client: SignalingConnection, device: Device, direction: 'send' | 'recv'): Promise<types.Transport> {
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
      if (state === 'failed' && this.#client === client) this.#deps.onConnectionLost(client);
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

  // ---- the room's notifications ------------------------------------------------------------
  #setPeers(update: (peers: RemotePeer[]) => RemotePeer[]): void {
    const before = this.#state.peers;
    const peers = update(before);
    if (peers !== before) this.#store.setState({ peers });
  }

  async handle<N extends NotificationName>(name: N, data: Notifications[N]): Promise<void> {
    switch (name) {
      case 'micForced': {
        this.#onMicForced((data as Notifications['micForced']).muted);
        break;
      }
      case 'peerJoined': {
        const { peer } = data as Notifications['peerJoined'];
        this.#setPeers((peers) => addPeer(peers, peer));
        break;
      }
      case 'peerUpdated': {
        const { peer } = data as Notifications['peerUpdated'];
        this.#setPeers((peers) => updatePeerInfo(peers, peer));
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
        this.#setPeers((peers) => removePeer(peers, peerId));
        const links = this.#state.peerLinks;
        if (links[peerId]) {
          const { [peerId]: _gone, ...rest } = links;
          this.#store.setState({ peerLinks: rest });
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
        this.#setPeers((peers) => updateTrack(peers, consumerId, null));
        break;
      }
      case 'linkQuality': {
        const link = data as Notifications['linkQuality'];
        if (link.peerId !== this.#state.selfId) this.#store.setState({ peerLinks: { ...this.#state.peerLinks, [link.peerId]: link } });
        break;
      }
      case 'activeSpeaker': {
        const { peerId } = data as Notifications['activeSpeaker'];
        if (peerId !== this.#state.activeSpeakerId) this.#store.setState({ activeSpeakerId: peerId });
        break;
      }
      case 'consumerForwarding': {
        const { consumerId, forwarding } = data as Notifications['consumerForwarding'];
        this.#setPeers((peers) => updateTrack(peers, consumerId, { forwarding }));
        break;
      }
      case 'consumerPaused':
      case 'consumerResumed': {
        const { consumerId } = data as Notifications['consumerPaused'];
        this.#setPeers((peers) => updateTrack(peers, consumerId, { producerPaused: name === 'consumerPaused' }));
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
    this.#setPeers((peers) => addTrack(peers, n.peerId, track));
    // Not awaited: the next notification (often the same peer's other track) is consumed meanwhile.
    client.request('resumeConsumer', { consumerId: consumer.id }).catch((err: unknown) => console.warn('could not resume a consumer', err));
  }

  // ---- local controls --------------------------------------------------------------------
  async setMicMuted(muted: boolean): Promise<void> {
    this.#store.setState({ micMuted: muted });
    try {
      await this.#setProducerPaused('mic', muted);
    } catch (err) {
      if (!muted) {
        this.#producers.get('mic')?.pause();
        this.#store.setState({ micMuted: true });
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
    this.#store.setState({ micMuted: muted });
  }

  async setCameraOff(off: boolean): Promise<void> {
    this.#store.setState({ cameraOff: off });
    const track = this.#options?.stream.getVideoTracks()[0];
    if (track) track.enabled = !off;
    // In audio-only mode the camera stays paused whatever the button says; it follows on leaving it.
    if (this.#state.chosenReceiveMode !== 'audio-only') await this.#setProducerPaused('webcam', off);
  }

  async #setProducerPaused(source: MediaSource, paused: boolean): Promise<void> {
    const producer = this.#producers.get(source);
    const client = this.#client;
    if (!producer || !client) return;
    if (paused) producer.pause();
    else producer.resume();
    await client.request(paused ? 'pauseProducer' : 'resumeProducer', { producerId: producer.id });
  }

  // ---- what we show and how much we receive ------------------------------------------------
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

  async setReceiveMode(mode: ReceiveMode): Promise<void> {
    this.#store.setState({ chosenReceiveMode: mode });
    await this.#link.chose(mode);
  }

  async restoreFullQuality(): Promise<void> {
    await this.#link.restore();
  }

  /** The mode the user chose, lowered by the automatic fallback, applied to what we send and receive. */
  async #applyEffectiveMode(): Promise<void> {
    await this.#applyMode(effectiveMode(this.#state.chosenReceiveMode, this.#link.level));
    await this.#applyCameraPause();
  }

  async #applyMode(mode: ReceiveMode): Promise<void> {
    if (mode === this.#state.receiveMode) return;
    this.#store.setState({ receiveMode: mode });
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

  // ---- screen sharing and devices -----------------------------------------------------------
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
    this.#store.setState({ screenTrack: track });
    try {
      await this.#produce('screen', track, false);
    } catch (err) {
      track.stop();
      if (this.#state.screenTrack === track) this.#store.setState({ screenTrack: null });
      throw err;
    }
  }

  async stopScreenShare(): Promise<void> {
    const track = this.#state.screenTrack;
    const producer = this.#producers.get('screen');
    this.#producers.delete('screen');
    if (track) this.#store.setState({ screenTrack: null });
    track?.stop();
    if (producer) {
      producer.close();
      const client = this.#client;
      if (client?.isOpen) await client.request('closeProducer', { producerId: producer.id }).catch(() => undefined);
    }
  }

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
    if (source === 'webcam') this.#store.setState({ localVideo: track });
    if (!producer && this.#sendTransport && this.#state.status === 'joined') {
      await this.#produce(source, track, source === 'mic' ? this.#state.micMuted : this.#state.cameraOff);
    }
  }

  // ---- statistics ------------------------------------------------------------------------
  async transportStats(): Promise<RTCStatsReport[]> {
    const transports = [this.#sendTransport, this.#recvTransport].filter((t): t is types.Transport => t !== null && !t.closed);
    return Promise.all(transports.map((t) => t.getStats()));
  }

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

