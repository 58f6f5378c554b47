/** Signaling handlers of media control: what a receiver shows, so the server forwards only that. */
import { can } from '../auth/policy';
import { AppError } from '../errors';
import type { Handlers } from '../signaling/handlers';
import type { ConferenceContext } from './conference-handlers';

export function mediaControlHandlers(options: { plainRtp: boolean }): Handlers<ConferenceContext> {
  return {
    async 'media.createPlainTransport'(ctx, data) {
      if (!options.plainRtp) throw new AppError('forbidden', 'plain RTP endpoints are not enabled on this server', { reason: 'plain_rtp_disabled' });
      if (!can(ctx.actor, 'media.plainRtp')) throw new AppError('forbidden', 'only bridge points may attach plain RTP endpoints');
      if (!ctx.peer || !ctx.room) throw new AppError('not_joined', 'join a meeting first');
      let remote: { ip: string; port: number } | undefined;
      if (data.direction === 'recv') {
        if (!data.ip || !data.port) throw new AppError('bad_request', 'a receiving plain transport needs ip and port');
        // Media is only sent back where the signaling comes from: the server cannot be made to flood a third party.
        if (normalizeIp(data.ip) !== normalizeIp(ctx.remoteAddress ?? '')) throw new AppError('forbidden', 'plain RTP can only be sent to the address the signaling comes from');
        remote = { ip: data.ip, port: data.port };
      }
      return ctx.room.createPlainTransport(ctx.peer, data.direction, remote, data.srtp);
    },
    async 'media.setTileViews'(ctx, data) {
      if (!ctx.peer || !ctx.room) throw new AppError('not_joined', 'join a meeting first');
      await ctx.room.setTileViews(ctx.peer, data.views, data.receiveMode ?? 'normal');
      return {};
    },
    async 'media.ping'() {
      return { time: Date.now() };
    },
  };
}

/** "::ffff:127.0.0.1" and "127.0.0.1" are the same IPv4 address. */
function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
