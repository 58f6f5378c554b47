/** Signaling handlers of link quality (reports in, states out) and of the TURN credentials. */
import { AppError } from '../errors';
import type { ConferenceContext } from '../media/conference-handlers';
import type { Handlers } from '../signaling/handlers';
import { turnIceServer, type TurnSettings } from '../turn/turn-credentials';
import type { LinkMonitor } from './link-monitor';

function joined(ctx: ConferenceContext) {
  if (!ctx.peer || !ctx.room) throw new AppError('not_joined', 'join a meeting first');
  return { peer: ctx.peer, room: ctx.room };
}

export function linkHandlers(monitor: LinkMonitor, turn: TurnSettings | null, now: () => number = Date.now): Handlers<ConferenceContext> {
  return {
    async 'link.report'(ctx, report) {
      const { peer, room } = joined(ctx);
      // Known once: this participant is then told of others' link changes if it may monitor.
      void monitor.canMonitor(ctx.actor, room, peer);
      monitor.report(room, peer, report);
      return {};
    },
    async 'link.states'(ctx) {
      const { peer, room } = joined(ctx);
      if (!(await monitor.canMonitor(ctx.actor, room, peer))) throw new AppError('forbidden', 'only the chair and the hosts see the links of the points');
      return { links: monitor.states(room) };
    },
    async 'link.iceServers'(ctx) {
      if (!turn) return { iceServers: [], expiresAt: null };
      const { iceServer, expiresAt } = turnIceServer(turn, ctx.actor.accountId, now());
      return { iceServers: [iceServer], expiresAt };
    },
  };
}
