/**
 * A meeting's status across servers (issue 16): when it ends or is cancelled on one server, the
 * others close their rooms of it (4004), end what runs there for it (a recording or broadcast
 * started there; votes and the last speaking turn are closed once, the store refusing the
 * second close) and re-check the open collaboration connections, exactly as the server that
 * stored the change does.
 */
import type { MeetingStatus } from '../../../common/api/model';
import type { Logger } from '../observability/logger';
import type { MeetingEventBus } from './event-bus';

export class MeetingBridge {
  constructor(
    readonly bus: MeetingEventBus,
    readonly logger: Logger,
    /** What this server does when a meeting's status changed (stored here or elsewhere). */
    apply: (meetingId: string, status: MeetingStatus) => void,
  ) {
    bus.onEvent(({ meetingId, event }) => {
      if (event.type === 'meeting.changed') apply(meetingId, event.status);
    });
  }

  /** The change was stored here: the others are told. */
  changed = (meetingId: string, status: MeetingStatus): void => {
    this.bus.publish(meetingId, { type: 'meeting.changed', status }).catch((err: unknown) => this.logger.warn({ err: { message: (err as Error).message }, meetingId, status }, 'cluster meetings: status change not relayed'));
  };
}
