/**
 * Follows every participant's link (link-judge.ts) and pushes changes to the chair and the hosts
 * (`linkQuality`), who see in the points panel and on the tiles which points have a poor link now
 * and since when. Evaluated every SWEEP_MS from properties mediasoup keeps up to date (stream
 * scores: no request to the workers) and on each client report; reports are accepted at most once
 * per MIN_REPORT_INTERVAL_MS per participant.
 */
import type { LinkReport, PeerLink } from '../../../common/protocol';
import { canOnMeeting, type Actor } from '../auth/policy';
import { AppError } from '../errors';
import type { Peer } from '../media/peer';
import type { Room } from '../media/room';
import type { Rooms } from '../media/rooms';
import type { MeetingsService } from '../meetings/meetings-service';
import { judgeLink, settle, type ServerView, type Settled } from './link-judge';

export const SWEEP_MS = 2_000;
export const MIN_REPORT_INTERVAL_MS = 1_000;

interface Tracked {
  report: LinkReport | null;
  reportAt: number;
  settled: Settled | null;
}

/** What the server itself sees of a peer's link, from mediasoup's scores (kept current by the workers' events). */
export function serverView(peer: Peer): ServerView {
  const sendScores: ServerView['sendScores'] = { audio: [], video: [] };
  for (const producer of peer.producers.values()) {
    if (producer.closed || producer.paused || producer.score.length === 0) continue;
    sendScores[producer.kind].push(producer.score.reduce((best, s) => Math.max(best, s.score), 0));
  }
  const recvScores: ServerView['recvScores'] = { audio: [], video: [] };
  for (const consumer of peer.consumers.values()) {
    if (consumer.closed || consumer.paused || consumer.producerPaused) continue;
    recvScores[consumer.kind].push(consumer.score.score);
  }
  return { sendScores, recvScores };
}

export class LinkMonitor {
  readonly #tracked = new WeakMap<Peer, Tracked>();
  /** Rooms with participants, and whether each participant may monitor (chair, hosts, admins). */
  readonly #rooms = new Map<Room, Set<Peer>>();
  readonly #monitors = new WeakMap<Peer, Promise<boolean>>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    rooms: Rooms,
    private readonly meetings: MeetingsService,
    private readonly now: () => number = Date.now,
  ) {
    rooms.events.on('peerJoined', (room, peer) => {
      let peers = this.#rooms.get(room);
      if (!peers) this.#rooms.set(room, (peers = new Set()));
      peers.add(peer);
    });
    rooms.events.on('peerLeft', (room, peer) => {
      const peers = this.#rooms.get(room);
      peers?.delete(peer);
      if (peers?.size === 0) this.#rooms.delete(room);
      this.#tracked.delete(peer);
    });
    this.#timer = setInterval(() => this.sweep(), SWEEP_MS);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
  }

  /** Whether this participant sees the others' links (meeting.monitor: organisers and admins). */
  canMonitor(actor: Actor, room: Room, peer: Peer): Promise<boolean> {
    let known = this.#monitors.get(peer);
    if (!known) {
      known = this.meetings.authorize(actor, room.name, 'meeting.view').then(
        (facts) => canOnMeeting(actor, 'meeting.monitor', facts),
        () => false,
      );
      this.#monitors.set(peer, known);
    }
    return known;
  }

  report(room: Room, peer: Peer, report: LinkReport): void {
    const now = this.now();
    const tracked = this.#tracked.get(peer) ?? { report: null, reportAt: 0, settled: null };
    if (tracked.report && now - tracked.reportAt < MIN_REPORT_INTERVAL_MS) throw new AppError('rate_limited', 'link reports come at most once a second');
    tracked.report = report;
    tracked.reportAt = now;
    this.#tracked.set(peer, tracked);
    this.#evaluate(room, peer, now);
  }

  /** Every participant's link now (evaluated for those not seen yet). */
  states(room: Room): PeerLink[] {
    const now = this.now();
    return [...room.peers.values()].map((peer) => this.#tracked.get(peer)?.settled?.link ?? this.#evaluate(room, peer, now));
  }

  /** The announced link of one participant, if judged already. */
  linkOf(peer: Peer): PeerLink | null {
    return this.#tracked.get(peer)?.settled?.link ?? null;
  }

  sweep(): void {
    const now = this.now();
    for (const [room, peers] of this.#rooms) {
      if (room.closed) {
        this.#rooms.delete(room);
        continue;
      }
      for (const peer of peers) this.#evaluate(room, peer, now);
    }
  }

  #evaluate(room: Room, peer: Peer, now: number): PeerLink {
    const tracked = this.#tracked.get(peer) ?? { report: null, reportAt: 0, settled: null };
    const judgement = judgeLink(tracked.report, now - tracked.reportAt, serverView(peer));
    const { next, changed } = settle(tracked.settled, peer.id, judgement, now);
    const first = tracked.settled === null;
    tracked.settled = next;
    this.#tracked.set(peer, tracked);
    // The first judgement of a good link is no news; anything else is.
    if (changed && !(first && next.link.quality === 'good' && next.link.fallback === 'none')) this.#notifyMonitors(room, next.link);
    return next.link;
  }

  #notifyMonitors(room: Room, link: PeerLink): void {
    for (const peer of room.peers.values()) {
      if (peer.id === link.peerId) continue;
      void this.#monitors.get(peer)?.then((may) => may && !room.closed && peer.notify('linkQuality', link));
    }
  }
}
