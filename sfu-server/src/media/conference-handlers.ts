/** Signaling handlers of the conference: join a meeting's room, transports, producers, consumers, leave. */
import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { Actor } from '../auth/policy';
import { AppError } from '../errors';
import type { MeetingsService } from '../meetings/meetings-service';
import type { Handlers } from '../signaling/handlers';
import type { Db } from '../store/database';
import { offeredRtpCapabilities } from './header-extensions';
import { Peer, type Notify, type PeerIdentity } from './peer';
import type { Room } from './room';
import type { Rooms } from './rooms';

/** What one signaling connection knows about itself. */
export interface ConferenceContext {
  actor: Actor;
  /** The address the signaling connection comes from (plain RTP is only sent back there). */
  remoteAddress?: string;
  notify: Notify;
  /** Sends a frame encoded once for many recipients (signaling/connection.ts notificationFrame). */
  sendFrame?: ((frame: string) => void) | undefined;
  disconnect: (code?: number, reason?: string) => void;
  peer?: Peer | undefined;
  room?: Room | undefined;
}

function joined(ctx: ConferenceContext): { peer: Peer; room: Room } {
  if (!ctx.peer || !ctx.room) throw new AppError('not_joined', 'join a meeting first');
  return { peer: ctx.peer, room: ctx.room };
}

/** The name, bridge point, unit and headcount others see, from the account and its point. */
export async function identityOf(db: Db, actor: Actor): Promise<PeerIdentity> {
  const account = await db.selectFrom('accounts').select(['display_name', 'title', 'unit_id']).where('id', '=', actor.accountId).executeTakeFirstOrThrow();
  const point = actor.bridgePointId
    ? await db.selectFrom('bridge_points').innerJoin('units', 'units.id', 'bridge_points.unit_id').select(['bridge_points.name', 'bridge_points.headcount', 'units.name as unitName', 'units.level']).where('bridge_points.id', '=', actor.bridgePointId).executeTakeFirst()
    : undefined;
  const unit = !point && account.unit_id ? await db.selectFrom('units').select(['name', 'level']).where('id', '=', account.unit_id).executeTakeFirst() : undefined;
  return {
    accountId: actor.accountId,
    role: actor.role,
    displayName: account.display_name,
    pointName: point?.name ?? '',
    unitName: point?.unitName ?? unit?.name ?? '',
    level: point?.level ?? unit?.level ?? null,
    headcount: point?.headcount ?? null,
  };
}

export function conferenceHandlers(rooms: Rooms, meetings: MeetingsService): Handlers<ConferenceContext> {
  return {
    async join(ctx, data) {
      if (ctx.peer) throw new AppError('already_joined', 'already in a meeting');
      const facts = await meetings.authorize(ctx.actor, data.meetingId, 'meeting.join');
      await rooms.checkJoin(data.meetingId, ctx.actor);
      const identity = await identityOf(meetings.db, ctx.actor);
      const room = await rooms.get(data.meetingId);
      room.chairAccountId = facts.chairId;
      const peer = new Peer({ id: randomUUID(), ...identity, notify: ctx.notify, sendFrame: ctx.sendFrame, disconnect: ctx.disconnect });
      const peers = room.join(peer);
      ctx.peer = peer;
      ctx.room = room;
      return { peerId: peer.id, self: peer.info(), meetingTitle: facts.title, routerRtpCapabilities: offeredRtpCapabilities(room.router.rtpCapabilities), peers };
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
