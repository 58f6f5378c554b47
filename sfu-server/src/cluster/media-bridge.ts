/**
 * Media between servers (issue 16, wiring step 5): a receiver here consumes a producer carried by
 * another server through mediasoup PipeTransports between the two servers' routers of the meeting.
 *
 * - What exists elsewhere is announced on the bus (presence-bridge.ts: the participants' producers
 *   in `presence`/`presence.snapshot`, changes as `media.producers`); this bridge keeps each room's
 *   remote senders in line with it (`Room.syncRemote`). The room decides, with the same forwarding
 *   policy as for its own peers, when a receiver here wants a remote producer; only then is it piped.
 * - Piping (`pipeIn`, this server = the receiving side R, the producer's server = S): R makes one
 *   PipeTransport per (meeting, S) on the room's main router (SRTP on, RTX on), and asks S over the
 *   internal API (`/internal/cluster/media/pipe`) to make its end on its main router and connect it
 *   to R's address, port and SRTP key; R connects to S's with the answer. Then, per producer, R asks
 *   S (`/media/consume`) to `consume` it on that pipe, and `produce`s it on its own pipe with the
 *   same id, kind and RTP parameters: the room's usual consumer path does the rest. This is what
 *   mediasoup's `pipeToRouter` does between two routers of one process, split over two servers.
 *   A transport pair serves one direction (R receives from S); S receiving from R has its own pair,
 *   opened by S: two servers never race to open the same pair.
 * - Pause and resume follow from the announcements (the piped producer is paused and resumed here;
 *   S's pipe consumer follows its producer by itself); a producer that went is closed here, and its
 *   consumers with it. S closes its pipe consumer when its producer closes.
 * - A server whose participants have all left the meeting (or whose liveness lease lapsed: the
 *   presence bridge drops it) loses its pipes here, both ways; R asks S to close its end when R's
 *   room closes.
 */
import type { types } from 'mediasoup';
import { z } from 'zod';
import { RtpParameters } from '../../../common/protocol/media-types';
import { SrtpParameters } from '../../../common/protocol/media-control';
import type { MediaSource } from '../../../common/protocol';
import { AppError } from '../errors';
import type { Room, RemoteSender } from '../media/room';
import type { Rooms } from '../media/rooms';
import type { Logger } from '../observability/logger';
import type { MeetingEventBus } from './event-bus';
import { InternalCallError, registerInternalRoute, type InternalClient } from './internal-api';
import type { PresenceBridge } from './presence-bridge';
import type { ServerRegistry } from './server-registry';
import type { FastifyInstance } from 'fastify';

const MeetingId = z.string().min(1).max(100);
const ProducerId = z.string().min(1).max(64);

const PipeRequest = z.strictObject({ meetingId: MeetingId, ip: z.union([z.ipv4(), z.ipv6()]), port: z.number().int().min(1).max(65535), srtpParameters: SrtpParameters });
const PipeAnswer = z.strictObject({ ip: z.string().min(1).max(64), port: z.number().int().min(1).max(65535), srtpParameters: SrtpParameters });
const ConsumeRequest = z.strictObject({ meetingId: MeetingId, producerId: ProducerId });
const ConsumeAnswer = z.strictObject({
  peerId: z.string().min(1).max(64),
  kind: z.enum(['audio', 'video']),
  source: z.enum(['mic', 'webcam', 'screen']),
  paused: z.boolean(),
  rtpParameters: RtpParameters,
});
const CloseRequest = z.strictObject({ meetingId: MeetingId });

export interface PipeListen {
  listenIp: string;
  announcedAddress: string | undefined;
  portRange: { min: number; max: number };
}

interface Inbound {
  router: types.Router;
  transport: Promise<types.PipeTransport>;
}

interface Outbound {
  router: types.Router;
  transport: types.PipeTransport;
  /** The producers this server sends over it: only those the other side consumed. */
  consumers: Map<string, types.Consumer>;
}

const keyOf = (meetingId: string, server: string) => `${meetingId}\n${server}`;

export class MediaBridge {
  /** Pipes this server receives on, per (meeting, producing server). */
  readonly #inbound = new Map<string, Inbound>();
  /** Pipes this server sends on, per (meeting, receiving server). */
  readonly #outbound = new Map<string, Outbound>();

  constructor(
    readonly o: {
      serverId: string;
      bus: MeetingEventBus;
      rooms: Rooms;
      presence: PresenceBridge;
      client: InternalClient;
      registry: ServerRegistry;
      listen: PipeListen;
      logger: Logger;
    },
  ) {
    o.rooms.setRemotePipe((room, sender, producerId) => this.pipeIn(room, sender, producerId));
    // The room follows what the others announced (after the presence bridge applied it: it listens first).
    o.bus.onEvent(({ meetingId, event }) => {
      if (event.type !== 'media.producers') return;
      try {
        this.#sync(meetingId);
      } catch (err) {
        o.logger.error({ err, meetingId }, 'cluster media: remote producers not followed');
      }
    });
    o.presence.onDiff((meetingId, diff) => {
      // (Called inside the presence bridge's sweep and event handling: nothing thrown here may stop them.)
      try {
        this.#sync(meetingId);
        // A server with nobody left in the meeting: its pipes here go, both ways.
        for (const server of new Set(diff.left.map((p) => p.server))) {
          if (!o.presence.remote.peers(meetingId).some((p) => p.server === server)) this.closePipes(meetingId, server);
        }
      } catch (err) {
        o.logger.error({ err, meetingId }, 'cluster media: remote producers not followed');
      }
    });
    o.rooms.events.on('peerJoined', (room) => this.#sync(room.name));
    o.rooms.events.on('peerLeft', (room) => {
      // This server's room of the meeting closes: the others' ends of its pipes are let go.
      if (room.peers.size === 0) this.#roomClosed(room.name);
    });
  }

  /** The internal API of the pipes (served by every server). */
  register(app: FastifyInstance, secret: string): void {
    registerInternalRoute(app, secret, '/media/pipe', PipeRequest, (from, body) => this.#openPipe(from, body));
    registerInternalRoute(app, secret, '/media/consume', ConsumeRequest, (from, body) => this.#consumeForPipe(from, body));
    registerInternalRoute(app, secret, '/media/close', CloseRequest, async (from, body) => {
      this.#closeOutbound(body.meetingId, from);
      return {};
    });
    // What crosses now for a meeting (operators' checks, tests; metrics are wiring step 7).
    registerInternalRoute(app, secret, '/media/pipes', CloseRequest, async (_from, body) => this.pipes(body.meetingId));
  }

  /** What crosses now, for tests and metrics: per meeting and server, the producer ids piped in and out. */
  pipes(meetingId: string): { inbound: Record<string, string[]>; outbound: Record<string, string[]> } {
    const inbound: Record<string, string[]> = {};
    const outbound: Record<string, string[]> = {};
    const room = this.o.rooms.find(meetingId);
    for (const sender of room?.remoteSenders.values() ?? []) {
      for (const rp of sender.producers.values()) if (rp.producer && !rp.producer.closed) (inbound[sender.server] ??= []).push(rp.id);
    }
    for (const [key, out] of this.#outbound) {
      const [m, server] = key.split('\n') as [string, string];
      if (m === meetingId && !out.transport.closed) outbound[server] = [...out.consumers.keys()];
    }
    return { inbound, outbound };
  }

  #sync(meetingId: string): void {
    const room = this.o.rooms.find(meetingId);
    if (!room) return;
    room.syncRemote(this.o.presence.remote.peers(meetingId).map((p) => ({ id: p.peerId, accountId: p.accountId, role: p.role, server: p.server, producers: p.producers ?? [] })));
  }

  // ---- the receiving side ----------------------------------------------------------------------
  /** Brings a producer of `sender.server` into the room's main router (Rooms' RemotePipe). */
  async pipeIn(room: Room, sender: RemoteSender, producerId: string): Promise<types.Producer<{ source: MediaSource; peerId: string }>> {
    for (let attempt = 0; ; attempt++) {
      const transport = await this.#inboundTransport(room, sender.server);
      let answer: z.infer<typeof ConsumeAnswer>;
      try {
        answer = await this.o.client.call(sender.server, '/media/consume', { meetingId: room.name, producerId }, ConsumeAnswer);
      } catch (err) {
        // The other end of the pipe went (its room there closed and opened again): make the pair again, once.
        if (err instanceof InternalCallError && err.code === 'no_pipe' && attempt === 0) {
          this.#closeInbound(room.name, sender.server);
          continue;
        }
        throw err;
      }
      if (answer.peerId !== sender.id) throw new Error(`server ${sender.server} says producer ${producerId} is not ${sender.id}'s`);
      return transport.produce({
        id: producerId,
        kind: answer.kind,
        rtpParameters: answer.rtpParameters as types.RtpParameters,
        paused: answer.paused,
        appData: { source: answer.source, peerId: sender.id },
      });
    }
  }

  /** The pipe transport receiving from that server for this room (made with the other end on first need). */
  #inboundTransport(room: Room, server: string): Promise<types.PipeTransport> {
    const key = keyOf(room.name, server);
    const known = this.#inbound.get(key);
    if (known && known.router === room.router && !known.router.closed) return known.transport;
    if (known) this.#closeInbound(room.name, server);
    const transport = (async () => {
      const t = await room.router.createPipeTransport({ listenInfo: this.#listenInfo(), enableSrtp: true, enableRtx: true, appData: { meetingId: room.name, from: server } });
      try {
        const answer = await this.o.client.call(server, '/media/pipe', { meetingId: room.name, ip: t.tuple.localAddress ?? t.tuple.localIp, port: t.tuple.localPort, srtpParameters: t.srtpParameters }, PipeAnswer);
        await t.connect({ ip: answer.ip, port: answer.port, srtpParameters: answer.srtpParameters as types.SrtpParameters });
        this.o.logger.info({ meetingId: room.name, server, local: t.tuple.localPort, remote: `${answer.ip}:${answer.port}` }, 'cluster media: pipe from another server opened');
        return t;
      } catch (err) {
        t.close();
        throw err;
      }
    })();
    const entry: Inbound = { router: room.router, transport };
    this.#inbound.set(key, entry);
    transport.then(
      (t) => t.observer.once('close', () => this.#inbound.get(key) === entry && this.#inbound.delete(key)),
      () => this.#inbound.get(key) === entry && this.#inbound.delete(key),
    );
    return transport;
  }

  #closeInbound(meetingId: string, server: string): void {
    const key = keyOf(meetingId, server);
    const entry = this.#inbound.get(key);
    if (!entry) return;
    this.#inbound.delete(key);
    // Its piped producers close with it; their consumers here see 'producerclose'.
    void entry.transport.then((t) => t.close()).catch(() => undefined);
  }

  /** Every pipe with that server in this meeting, both ways (it has nobody left there, or it died). */
  closePipes(meetingId: string, server: string): void {
    this.#closeInbound(meetingId, server);
    this.#closeOutbound(meetingId, server);
  }

  #roomClosed(meetingId: string): void {
    for (const key of [...this.#inbound.keys()]) {
      const [m, server] = key.split('\n') as [string, string];
      if (m !== meetingId) continue;
      this.#closeInbound(m, server);
      this.o.client.call(server, '/media/close', { meetingId }, z.object({})).catch((err: unknown) => this.o.logger.debug({ err: { message: (err as Error).message }, server, meetingId }, 'cluster media: the other end of a pipe was not told to close (it goes when it sees nobody here)'));
    }
    for (const key of [...this.#outbound.keys()]) {
      const [m, server] = key.split('\n') as [string, string];
      if (m === meetingId) this.#closeOutbound(m, server);
    }
  }

  // ---- the sending side (the internal API) ----------------------------------------------------
  async #openPipe(from: string, body: z.infer<typeof PipeRequest>): Promise<z.infer<typeof PipeAnswer>> {
    const room = this.o.rooms.find(body.meetingId);
    if (!room) throw new AppError('not_found', 'this server carries nobody of that meeting');
    // Media goes only to the address the calling server published for its media.
    const caller = await this.o.registry.lookup(from);
    if (!caller || caller.mediaIp !== body.ip) throw new AppError('forbidden', `a pipe goes only to the media address server ${from} published`);
    this.#closeOutbound(body.meetingId, from);
    const transport = await room.router.createPipeTransport({ listenInfo: this.#listenInfo(), enableSrtp: true, enableRtx: true, appData: { meetingId: body.meetingId, to: from } });
    try {
      await transport.connect({ ip: body.ip, port: body.port, srtpParameters: body.srtpParameters as types.SrtpParameters });
    } catch (err) {
      transport.close();
      throw new AppError('bad_request', `pipe not connected: ${(err as Error).message}`);
    }
    const key = keyOf(body.meetingId, from);
    const entry: Outbound = { router: room.router, transport, consumers: new Map() };
    this.#outbound.set(key, entry);
    transport.observer.once('close', () => this.#outbound.get(key) === entry && this.#outbound.delete(key));
    this.o.logger.info({ meetingId: body.meetingId, server: from, local: transport.tuple.localPort, remote: `${body.ip}:${body.port}` }, 'cluster media: pipe to another server opened');
    return { ip: transport.tuple.localAddress ?? transport.tuple.localIp, port: transport.tuple.localPort, srtpParameters: transport.srtpParameters as z.infer<typeof SrtpParameters> };
  }

  async #consumeForPipe(from: string, body: z.infer<typeof ConsumeRequest>): Promise<z.infer<typeof ConsumeAnswer>> {
    const out = this.#outbound.get(keyOf(body.meetingId, from));
    const room = this.o.rooms.find(body.meetingId);
    if (!out || out.transport.closed || !room || room.router !== out.router) throw new AppError('conflict', 'no pipe to that server for this meeting', { reason: 'no_pipe' });
    const local = await room.localProducerOnMain(body.producerId);
    if (!local || local.producer.closed) throw new AppError('not_found', 'no such producer here');
    let consumer = out.consumers.get(body.producerId);
    if (!consumer || consumer.closed) {
      consumer = await out.transport.consume({ producerId: body.producerId });
      const made = consumer;
      out.consumers.set(body.producerId, made);
      made.observer.once('close', () => out.consumers.get(body.producerId) === made && out.consumers.delete(body.producerId));
    }
    return { peerId: local.peer.id, kind: consumer.kind, source: local.producer.appData.source, paused: consumer.producerPaused, rtpParameters: consumer.rtpParameters as z.infer<typeof RtpParameters> };
  }

  #closeOutbound(meetingId: string, server: string): void {
    const key = keyOf(meetingId, server);
    const out = this.#outbound.get(key);
    if (!out) return;
    this.#outbound.delete(key);
    out.transport.close();
  }

  #listenInfo(): types.TransportListenInfo {
    const { listenIp, announcedAddress, portRange } = this.o.listen;
    return { protocol: 'udp', ip: listenIp, ...(announcedAddress ? { announcedAddress } : {}), portRange };
  }
}
