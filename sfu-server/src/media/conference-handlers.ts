/** Signaling handlers of the conference: join a room, transports, producers, consumers, leave. */
import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import { AppError } from '../errors';
import type { Handlers } from '../signaling/handlers';
import { Peer, type Notify } from './peer';
import type { Room } from './room';
import type { Rooms } from './rooms';

/** What one signaling connection knows about itself. */
export interface ConferenceContext {
  notify: Notify;
  peer?: Peer | undefined;
  room?: Room | undefined;
}

function joined(ctx: ConferenceContext): { peer: Peer; room: Room } {
  if (!ctx.peer || !ctx.room) throw new AppError('not_joined', 'join a room first');
  return { peer: ctx.peer, room: ctx.room };
}

export function conferenceHandlers(rooms: Rooms): Handlers<ConferenceContext> {
  return {
    async join(ctx, data) {
      if (ctx.peer) throw new AppError('already_joined', 'already in a room');
      const room = await rooms.get(data.room);
      const peer = new Peer({ id: randomUUID(), displayName: data.displayName, pointName: data.pointName, notify: ctx.notify });
      const peers = room.join(peer);
      ctx.peer = peer;
      ctx.room = room;
      return { peerId: peer.id, routerRtpCapabilities: room.router.rtpCapabilities, peers };
    },
    async createWebRtcTransport(ctx, data) {
      const { peer, room } = joined(ctx);
      return room.createTransport(peer, data.direction);
    },
    async connectWebRtcTransport(ctx, data) {
      const { peer, room } = joined(ctx);
      await room.connectTransport(peer, data.transportId, data.dtlsParameters);
      return {};
    },
    async restartIce(ctx, data) {
      const { peer, room } = joined(ctx);
      return { iceParameters: await room.restartIce(peer, data.transportId) };
    },
    async produce(ctx, data) {
      const { peer, room } = joined(ctx);
      return { id: await room.produce(peer, data) };
    },
    async ready(ctx, data) {
      const { peer, room } = joined(ctx);
      await room.ready(peer, data.rtpCapabilities as types.RtpCapabilities);
      return {};
    },
    async pauseProducer(ctx, data) {
      const { peer, room } = joined(ctx);
      await room.setProducerPaused(peer, data.producerId, true);
      return {};
    },
    async resumeProducer(ctx, data) {
      const { peer, room } = joined(ctx);
      await room.setProducerPaused(peer, data.producerId, false);
      return {};
    },
    async closeProducer(ctx, data) {
      const { peer, room } = joined(ctx);
      room.closeProducer(peer, data.producerId);
      return {};
    },
    async pauseConsumer(ctx, data) {
      const { peer, room } = joined(ctx);
      await room.setConsumerPaused(peer, data.consumerId, true);
      return {};
    },
    async resumeConsumer(ctx, data) {
      const { peer, room } = joined(ctx);
      await room.setConsumerPaused(peer, data.consumerId, false);
      return {};
    },
    async leave(ctx) {
      const { peer, room } = joined(ctx);
      room.leave(peer);
      ctx.peer = undefined;
      ctx.room = undefined;
      return {};
    },
  };
}

/** Called when the signaling connection ends, with or without a goodbye. */
export function conferenceDisconnect(ctx: ConferenceContext): void {
  if (ctx.peer && ctx.room) ctx.room.leave(ctx.peer);
  ctx.peer = undefined;
  ctx.room = undefined;
}
