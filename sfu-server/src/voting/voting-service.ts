/**
 * Votes (biểu quyết): organisers prepare them on a meeting, open them in the live meeting, every
 * eligible delegate casts one ballot that cannot be changed, and the vote closes at its time limit
 * (a server-side timer, re-armed at start) or when an organiser closes it.
 *
 * Every change is one store transaction that also appends its event to the meeting's hash chain
 * (chain.ts); a ballot is acknowledged only after that transaction has committed. Clients are told
 * after the commit: `voteUpdated` (per recipient: their own eligibility) and `voteProgress`.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { DEFAULT_OPTIONS, type NamedBallot, type ProxyCandidate, type VoteDefinitionData, type VoteEntry, type VoteMe, type VoteOption, type VoteResult } from '../../../common/protocol/voting';
import { canOnMeeting, type Actor, type MeetingFacts } from '../auth/policy';
import { AppError, forbidden, notFound } from '../errors';
import type { MeetingsService } from '../meetings/meetings-service';
import type { Logger } from '../observability/logger';
import { audit } from '../store/audit';
import type { Db } from '../store/database';
import type { Database, VotesTable } from '../store/schema';
import { checkBallot, isOrganiser, type BallotAttempt, type BallotRuleReads } from './ballot-rules';
import { alreadyVoted, writeBallots, type BallotRequest, type CastAck } from './ballots';
import { appendEvent, appendEvents, lockChain } from './chain';
import { FanOut } from './fan-out';
import { RETRY_AFTER_SECONDS, storeFailure } from '../store/store-failures';
import { CommitQueue, type Outcome } from './commit-queue';
import { defaultEligible, presentCount, type AttendanceRecord, type Presence } from './eligibility';
import { computeResult } from './tally';
import { meetingVotesReport, type MeetingVotesReport } from './vote-report';
import { entryOf, parseOptions, type VoteExtras } from './vote-rows';

export type CloseReason = 'chair' | 'time' | 'meeting_ended';

/**
 * Ballots arriving close together are announced together: at most one `voteProgress` per vote per
 * this interval (300 ballots in a second would otherwise be 300 × 300 pushes).
 */
export const PROGRESS_INTERVAL_MS = 100;

interface PendingProgress {
  row: VotesTable;
  castCount: number;
  ballots: NamedBallot[];
  timer: NodeJS.Timeout;
}


export interface VotingServiceOptions {
  db: Db;
  postgres: boolean;
  meetings: MeetingsService;
  presence: Presence;
  /** Who is recorded present (attendance); without it, only people joined in the room count. */
  attendance?: AttendanceRecord | undefined;
  logger: Logger;
  /** Several servers (cluster/vote-bridge.ts): ballots stored here were announced to this server's peers. */
  onProgress?: ((meetingId: string, progress: VoteProgressData) => void) | undefined;
  /** Several servers: a vote changed (opened, closed, cancelled, edited); the others rebuild their peers' views. */
  onUpdated?: ((meetingId: string, voteId: string) => void) | undefined;
  /**
   * Several servers (cluster/meeting-home.ts): only the meeting's home arms its votes' timers, and
   * a close by the timer is fenced by the home lease. Absent on one server: every timer runs here.
   */
  home?: VoteTimerHome | undefined;
}

export interface VoteTimerHome {
  isHome(meetingId: string): boolean;
  /** Inside the closing transaction: throws (and the close rolls back) unless this server is still the home. */
  fence(tx: Transaction<Database>, meetingId: string): Promise<void>;
}

/** One `voteProgress` notification's data. */
export interface VoteProgressData {
  voteId: string;
  castCount: number;
  tally: Record<string, number> | null;
  ballots: NamedBallot[];
}

function columnsOf(def: VoteDefinitionData) {
  const options: VoteOption[] = def.options ? def.options.map((label, i) => ({ id: `p${i + 1}`, label })) : DEFAULT_OPTIONS.map((o) => ({ ...o }));
  return {
    agenda_item_id: def.agendaItemId,
    question: def.question,
    options: JSON.stringify(options),
    custom: def.options ? 1 : 0,
    max_choices: def.options ? def.maxChoices : 1,
    secret: def.secret ? 1 : 0,
    duration_seconds: def.durationSeconds,
    voter_ids: def.voterIds ? JSON.stringify([...new Set(def.voterIds)].sort()) : null,
    quorum: def.quorum,
    pass_rule: def.passRule,
  };
}

function definitionEvent(c: ReturnType<typeof columnsOf>) {
  return {
    question: c.question,
    agendaItemId: c.agenda_item_id,
    options: JSON.parse(c.options) as { id: string; label: string }[],
    maxChoices: c.max_choices,
    secret: c.secret === 1,
    durationSeconds: c.duration_seconds,
    voterIds: c.voter_ids ? (JSON.parse(c.voter_ids) as string[]) : null,
    quorum: c.quorum,
    passRule: c.pass_rule,
  };
}


export class VotingService {
  readonly db: Db;
  readonly #postgres: boolean;
  readonly #meetings: MeetingsService;
  readonly #presence: Presence;
  readonly #attendance: AttendanceRecord | undefined;
  readonly #logger: Logger;
  readonly #onProgress: VotingServiceOptions['onProgress'];
  readonly #onUpdated: VotingServiceOptions['onUpdated'];
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #home: VoteTimerHome | undefined;
  readonly #progress = new Map<string, PendingProgress>();
  /** What a ballot's checks read (ballot-rules.ts), inside the batch's transaction. */
  readonly #rules: BallotRuleReads = {
    facts: (actor, meetingId, db) => this.#meetings.facts(actor, meetingId, db),
    proxyCandidates: (actor, row, db) => this.#proxyCandidates(actor, row, db),
  };
  /** Ballots of one vote arriving while a commit is in flight go together into the next one. */
  readonly ballots = new CommitQueue<BallotAttempt, CastAck>((voteId, take) => this.#commitBallots(voteId, take));

  constructor(options: VotingServiceOptions) {
    this.db = options.db;
    this.#postgres = options.postgres;
    this.#meetings = options.meetings;
    this.#presence = options.presence;
    this.#attendance = options.attendance;
    this.#logger = options.logger;
    this.#onProgress = options.onProgress;
    this.#onUpdated = options.onUpdated;
    this.#home = options.home;
  }

  // ---- timers ----------------------------------------------------------------------------
  /** At server start: closes open votes whose time is up, and arms the timers of the others. */
  async start(): Promise<void> {
    const open = await this.db.selectFrom('votes').select(['id', 'meeting_id', 'closes_at']).where('status', '=', 'open').execute();
    for (const v of open) this.#arm(v.id, v.meeting_id, v.closes_at);
  }

  /**
   * Several servers: this server became the meeting's home (first, or after the home died): its
   * open votes' timers are armed here, as at a start (one whose time ran out meanwhile closes now).
   */
  async armMeeting(meetingId: string): Promise<void> {
    const open = await this.db.selectFrom('votes').select(['id', 'closes_at']).where('meeting_id', '=', meetingId).where('status', '=', 'open').execute();
    for (const v of open) this.#arm(v.id, meetingId, v.closes_at);
  }

  /** Several servers: this server is no longer the meeting's home; the new home runs the timers. */
  disarmMeeting(meetingId: string): void {
    for (const [voteId, m] of this.#timerMeeting) {
      if (m !== meetingId) continue;
      clearTimeout(this.#timers.get(voteId));
      this.#timers.delete(voteId);
      this.#timerMeeting.delete(voteId);
    }
  }

  /** The votes whose timer runs here (tests, metrics). */
  armed(): string[] {
    return [...this.#timers.keys()];
  }

  stop(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    this.#timerMeeting.clear();
    for (const p of this.#progress.values()) clearTimeout(p.timer);
    this.#progress.clear();
  }

  readonly #timerMeeting = new Map<string, string>();

  #arm(voteId: string, meetingId: string, closesAt: string | null): void {
    if (!closesAt) return;
    // Several servers: only the meeting's home runs the timer (it re-arms when it becomes the home).
    if (this.#home && !this.#home.isHome(meetingId)) return;
    clearTimeout(this.#timers.get(voteId));
    const ms = Math.max(0, Date.parse(closesAt) - Date.now());
    const timer = setTimeout(() => {
      this.#timers.delete(voteId);
      this.#timerMeeting.delete(voteId);
      this.closeBySystem(voteId, 'time').catch((err: unknown) => {
        // No longer the home (a stale one): the fence refused the close; the new home closes it.
        if ((err as { code?: string })?.code === 'lease_lost') {
          this.#logger.warn({ voteId, meetingId, err: { message: (err as Error).message } }, 'a vote’s timer fired on a server that is no longer the meeting’s home; the home closes it');
          return;
        }
        this.#logger.error({ err, voteId }, 'closing a vote at its time limit failed');
        // The database is away for a moment (restarting): try again shortly, the vote must close.
        if (storeFailure(err) === 'unavailable') this.#arm(voteId, meetingId, new Date(Date.now() + RETRY_AFTER_SECONDS * 1000).toISOString());
      });
    }, ms);
    timer.unref?.();
    this.#timers.set(voteId, timer);
    this.#timerMeeting.set(voteId, meetingId);
  }

  #disarm(voteId: string): void {
    clearTimeout(this.#timers.get(voteId));
    this.#timers.delete(voteId);
    this.#timerMeeting.delete(voteId);
  }

  /** The meeting ended: its open votes close with what was cast. */
  async meetingEnded(meetingId: string): Promise<void> {
    const open = await this.db.selectFrom('votes').select('id').where('meeting_id', '=', meetingId).where('status', '=', 'open').execute();
    for (const v of open) await this.closeBySystem(v.id, 'meeting_ended');
  }

  // ---- reading ---------------------------------------------------------------------------
  async #facts(actor: Actor, meetingId: string): Promise<MeetingFacts> {
    const facts = await this.#meetings.facts(actor, meetingId);
    if (!canOnMeeting(actor, 'meeting.view', facts)) throw notFound('meeting');
    return facts;
  }

  static isOrganiser(actor: Actor, f: MeetingFacts): boolean {
    return isOrganiser(actor, f);
  }

  async #row(voteId: string): Promise<VotesTable> {
    const row = await this.db.selectFrom('votes').selectAll().where('id', '=', voteId).executeTakeFirst();
    if (!row) throw notFound('vote');
    return row;
  }

  async #extras(row: VotesTable, db: Db | Transaction<Database> = this.db): Promise<VoteExtras> {
    const voters = await db.selectFrom('vote_voters').innerJoin('accounts', 'accounts.id', 'vote_voters.account_id').select(['vote_voters.account_id', 'vote_voters.recorded_by', 'vote_voters.choices', 'accounts.display_name']).where('vote_id', '=', row.id).execute();
    const tallies = await db.selectFrom('vote_tallies').select(['option_id', 'count']).where('vote_id', '=', row.id).execute();
    const defaultCount = row.eligible_ids ? 0 : row.voter_ids ? (JSON.parse(row.voter_ids) as string[]).length : (await defaultEligible(this.db, row.meeting_id)).length;
    const ballots: NamedBallot[] | null = row.secret
      ? null
      : voters.map((v) => ({ accountId: v.account_id, displayName: v.display_name, choices: v.choices ? (JSON.parse(v.choices) as string[]) : [], recordedBy: v.recorded_by })).sort((a, b) => a.displayName.localeCompare(b.displayName, 'vi'));
    return { voterIds: new Set(voters.map((v) => v.account_id)), counts: Object.fromEntries(tallies.map((t) => [t.option_id, Number(t.count)])), ballots, defaultCount };
  }

  #me(row: VotesTable, extras: VoteExtras, accountId: string, organiser: boolean): VoteMe {
    const eligible = row.eligible_ids ? (JSON.parse(row.eligible_ids) as string[]).includes(accountId) : false;
    return { eligible, voted: extras.voterIds.has(accountId), canManage: organiser };
  }

  /** Every vote of a meeting the actor may see: drafts for organisers only. */
  async list(actor: Actor, meetingId: string): Promise<VoteEntry[]> {
    const facts = await this.#facts(actor, meetingId);
    const organiser = VotingService.isOrganiser(actor, facts);
    let q = this.db.selectFrom('votes').selectAll().where('meeting_id', '=', meetingId);
    if (!organiser) q = q.where('status', '!=', 'draft');
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    const out: VoteEntry[] = [];
    for (const row of rows) {
      const extras = await this.#extras(row);
      out.push(entryOf(row, extras, this.#me(row, extras, actor.accountId, organiser)));
    }
    return out;
  }

  /** How many people eligible by default are present now: joined or marked present (see eligibility.ts). */
  async present(meetingId: string): Promise<number> {
    const attended = await this.#attendance?.presentIds(meetingId);
    return presentCount(this.#presence, meetingId, new Set(await defaultEligible(this.db, meetingId)), attended);
  }

  async entry(actor: Actor, voteId: string): Promise<VoteEntry> {
    const row = await this.#row(voteId);
    const facts = await this.#facts(actor, row.meeting_id);
    const organiser = VotingService.isOrganiser(actor, facts);
    if (row.status === 'draft' && !organiser) throw notFound('vote');
    const extras = await this.#extras(row);
    return entryOf(row, extras, this.#me(row, extras, actor.accountId, organiser));
  }

  /** The closed votes and results of a meeting, plain (exports; the minutes use meetingVotesReport directly). */
  async report(actor: Actor, meetingId: string): Promise<MeetingVotesReport> {
    const facts = await this.#facts(actor, meetingId);
    if (!canOnMeeting(actor, 'vote.export', facts)) throw forbidden('only the organisers export the results');
    return meetingVotesReport(this.db, meetingId);
  }

  // ---- preparing -------------------------------------------------------------------------
  async #manage(actor: Actor, meetingId: string): Promise<MeetingFacts> {
    const facts = await this.#facts(actor, meetingId);
    if (!canOnMeeting(actor, 'vote.manage', facts)) throw forbidden('only the chair and the secretary manage votes');
    return facts;
  }

  async #checkDefinition(meetingId: string, def: VoteDefinitionData): Promise<void> {
    if (def.agendaItemId) {
      const item = await this.db.selectFrom('agenda_items').select('id').where('id', '=', def.agendaItemId).where('meeting_id', '=', meetingId).executeTakeFirst();
      if (!item) throw new AppError('bad_request', 'that agenda item is not on this meeting', { field: 'agendaItemId' });
    }
    if (def.voterIds) {
      const allowed = new Set(await defaultEligible(this.db, meetingId));
      const outside = def.voterIds.filter((id) => !allowed.has(id));
      if (outside.length) throw new AppError('bad_request', 'only invited delegates, the chair and the secretary can vote', { field: 'voterIds', accountIds: outside });
    }
  }

  async create(actor: Actor, meetingId: string, def: VoteDefinitionData): Promise<VoteEntry> {
    await this.#manage(actor, meetingId);
    await this.#checkDefinition(meetingId, def);
    const id = randomUUID();
    const at = new Date().toISOString();
    const c = columnsOf(def);
    await this.db.transaction().execute(async (tx) => {
      await lockChain(tx, meetingId, this.#postgres);
      await tx.insertInto('votes').values({ id, meeting_id: meetingId, ...c, status: 'draft', eligible_ids: null, opened_at: null, closes_at: null, closed_at: null, result: null, created_by: actor.accountId, created_at: at, updated_at: at }).execute();
      await appendEvent(tx, meetingId, { type: 'created', voteId: id, by: actor.accountId, at, ...definitionEvent(c) });
      await audit(tx, { actorId: actor.accountId, action: 'vote.create', targetType: 'vote', targetId: id, details: { meetingId } });
    });
    await this.#pushUpdate(id);
    return this.entry(actor, id);
  }

  async update(actor: Actor, voteId: string, def: VoteDefinitionData): Promise<VoteEntry> {
    const row = await this.#row(voteId);
    await this.#manage(actor, row.meeting_id);
    if (row.status !== 'draft') throw new AppError('invalid_transition', 'only a vote not yet opened can be changed');
    await this.#checkDefinition(row.meeting_id, def);
    const c = columnsOf(def);
    const at = new Date().toISOString();
    await this.db.transaction().execute(async (tx) => {
      await lockChain(tx, row.meeting_id, this.#postgres);
      const done = await tx.updateTable('votes').set({ ...c, updated_at: at }).where('id', '=', voteId).where('status', '=', 'draft').executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw new AppError('invalid_transition', 'only a vote not yet opened can be changed');
      await appendEvent(tx, row.meeting_id, { type: 'updated', voteId, by: actor.accountId, at, ...definitionEvent(c) });
      await audit(tx, { actorId: actor.accountId, action: 'vote.update', targetType: 'vote', targetId: voteId, details: {} });
    });
    await this.#pushUpdate(voteId);
    return this.entry(actor, voteId);
  }

  // ---- running ---------------------------------------------------------------------------
  async open(actor: Actor, voteId: string): Promise<VoteEntry> {
    const row = await this.#row(voteId);
    const facts = await this.#manage(actor, row.meeting_id);
    if (facts.status !== 'live') throw new AppError('meeting_not_live', 'a vote opens during the live meeting');
    if (row.status !== 'draft') throw new AppError('invalid_transition', `a ${row.status} vote cannot be opened`);
    const allowed = await defaultEligible(this.db, row.meeting_id);
    const eligible = row.voter_ids ? (JSON.parse(row.voter_ids) as string[]).filter((id) => allowed.includes(id)) : allowed;
    if (eligible.length === 0) throw new AppError('bad_request', 'nobody is eligible to vote');
    const now = new Date();
    const openedAt = now.toISOString();
    const closesAt = row.duration_seconds ? new Date(now.getTime() + row.duration_seconds * 1000).toISOString() : null;
    await this.db.transaction().execute(async (tx) => {
      await lockChain(tx, row.meeting_id, this.#postgres);
      const done = await tx.updateTable('votes').set({ status: 'open', eligible_ids: JSON.stringify(eligible), opened_at: openedAt, closes_at: closesAt, updated_at: openedAt }).where('id', '=', voteId).where('status', '=', 'draft').executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw new AppError('invalid_transition', 'the vote changed meanwhile');
      await tx.insertInto('vote_tallies').values(parseOptions(row).map((o) => ({ vote_id: voteId, option_id: o.id, count: 0 }))).execute();
      await appendEvent(tx, row.meeting_id, { type: 'opened', voteId, by: actor.accountId, at: openedAt, closesAt, eligible });
      await audit(tx, { actorId: actor.accountId, action: 'vote.open', targetType: 'vote', targetId: voteId, details: { eligible: eligible.length } });
    });
    this.#arm(voteId, row.meeting_id, closesAt);
    await this.#pushUpdate(voteId);
    return this.entry(actor, voteId);
  }

  async close(actor: Actor, voteId: string): Promise<VoteEntry> {
    const row = await this.#row(voteId);
    await this.#manage(actor, row.meeting_id);
    await this.#close(row, 'chair', actor.accountId);
    return this.entry(actor, voteId);
  }

  /** Closing by the timer or because the meeting ended; a vote already closed is left alone. */
  async closeBySystem(voteId: string, reason: CloseReason): Promise<void> {
    const row = await this.db.selectFrom('votes').selectAll().where('id', '=', voteId).executeTakeFirst();
    if (!row || row.status !== 'open') return;
    await this.#close(row, reason, null).catch((err: unknown) => {
      if (!(err instanceof AppError && err.code === 'vote_not_open')) throw err;
    });
  }

  /**
   * Closing: the result is computed in the closing transaction, which also reads all the closed
   * view needs; right after the commit the last progress and the result go out to the room with no
   * further store read.
   */
  async #close(row: VotesTable, reason: CloseReason, by: string | null): Promise<void> {
    const closedAt = new Date().toISOString();
    const closed = await this.db.transaction().execute(async (tx) => {
      // Several servers: a close by the timer is the home's decision, made only with its lease current.
      if (reason === 'time' && this.#home) await this.#home.fence(tx, row.meeting_id);
      await lockChain(tx, row.meeting_id, this.#postgres);
      const current = await tx.selectFrom('votes').select('status').where('id', '=', row.id).executeTakeFirstOrThrow();
      if (current.status !== 'open') throw new AppError('vote_not_open', `the vote is ${current.status}`);
      const tallies = await tx.selectFrom('vote_tallies').select(['option_id', 'count']).where('vote_id', '=', row.id).execute();
      const voters = await tx.selectFrom('vote_voters').select('account_id').where('vote_id', '=', row.id).execute();
      const meeting = await tx.selectFrom('meetings').select(['chair_id', 'secretary_id', 'created_by']).where('id', '=', row.meeting_id).executeTakeFirstOrThrow();
      const counts = Object.fromEntries(tallies.map((t) => [t.option_id, Number(t.count)]));
      const cast = voters.length;
      const eligible = (JSON.parse(row.eligible_ids ?? '[]') as string[]).length;
      const computed = computeResult({ options: parseOptions(row), custom: row.custom === 1, counts, cast, eligible, quorum: row.quorum as never, passRule: row.pass_rule as never });
      const [, head] = await appendEvents(tx, row.meeting_id, [
        { type: 'closed', voteId: row.id, by, reason, at: closedAt },
        { type: 'result', voteId: row.id, counts, cast, eligible, quorumMet: computed.quorumMet, passed: computed.passed },
      ]);
      const result: VoteResult = { eligible, cast, options: computed.options, quorumMet: computed.quorumMet, passed: computed.passed, chainHead: head!, closedAt };
      const set = { status: 'closed', closed_at: closedAt, result: JSON.stringify(result), updated_at: closedAt };
      await tx.updateTable('votes').set(set).where('id', '=', row.id).execute();
      await audit(tx, { actorId: by, action: 'vote.close', targetType: 'vote', targetId: row.id, details: { reason, passed: computed.passed } });
      return { row: { ...row, ...set }, counts, voterIds: new Set(voters.map((v) => v.account_id)), organisers: new Set([meeting.chair_id, meeting.secretary_id, meeting.created_by]) };
    });
    this.#disarm(row.id);
    await this.#flushProgress(row.id, closed.counts);
    this.#broadcast(closed.row, { voterIds: closed.voterIds, counts: closed.counts, ballots: null, defaultCount: 0 }, closed.organisers);
    this.#onUpdated?.(row.meeting_id, row.id);
  }

  /** Another server changed a vote (cluster/vote-bridge.ts): this server's peers get their views, read from the store. */
  async refresh(voteId: string): Promise<void> {
    await this.#pushUpdate(voteId, false);
    if (!this.#home) return;
    // The home runs the timer of a vote opened through another server (and drops a closed one's).
    const row = await this.db.selectFrom('votes').select(['meeting_id', 'status', 'closes_at']).where('id', '=', voteId).executeTakeFirst();
    if (row?.status === 'open') this.#arm(voteId, row.meeting_id, row.closes_at);
    else this.#disarm(voteId);
  }

  /** Ballots stored by another server: this server's peers are told as if they were stored here. */
  pushProgress(meetingId: string, data: VoteProgressData): void {
    const out = new FanOut('voteProgress');
    for (const peer of this.#presence.peers(meetingId)) out.send(peer, '', () => data);
  }

  async cancel(actor: Actor, voteId: string): Promise<VoteEntry> {
    const row = await this.#row(voteId);
    await this.#manage(actor, row.meeting_id);
    if (row.status !== 'draft' && row.status !== 'open') throw new AppError('invalid_transition', `a ${row.status} vote cannot be cancelled`);
    const at = new Date().toISOString();
    await this.db.transaction().execute(async (tx) => {
      await lockChain(tx, row.meeting_id, this.#postgres);
      const done = await tx.updateTable('votes').set({ status: 'cancelled', closed_at: at, updated_at: at }).where('id', '=', voteId).where('status', 'in', ['draft', 'open']).executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw new AppError('invalid_transition', 'the vote changed meanwhile');
      await appendEvent(tx, row.meeting_id, { type: 'cancelled', voteId, by: actor.accountId, at });
      await audit(tx, { actorId: actor.accountId, action: 'vote.cancel', targetType: 'vote', targetId: voteId, details: {} });
    });
    this.#disarm(voteId);
    await this.#flushProgress(voteId);
    await this.#pushUpdate(voteId);
    return this.entry(actor, voteId);
  }

  // ---- ballots ---------------------------------------------------------------------------
  /**
   * One ballot, committed before this returns (together with the ballots that arrived while the
   * previous commit of the meeting was in flight: commit-queue.ts, ballots.ts). `onBehalfOf`: a bridge-point operator recording
   * the ballot of a delegate of its point's unit who is not connected (see proxyCandidates).
   */
  async cast(actor: Actor, voteId: string, choices: string[], onBehalfOf?: string, roomMeetingId?: string): Promise<CastAck> {
    return this.ballots.submit(voteId, { actor, voteId, choices, onBehalfOf, roomMeetingId });
  }

  /**
   * One transaction for the ballots of a vote that gathered in its commit queue (commit-queue.ts):
   * every ballot's rules are checked in it, each with its own outcome, then those that pass are
   * written together (ballots.ts); their progress is announced after the commit.
   */
  async #commitBallots(voteId: string, take: () => BallotAttempt[]): Promise<Outcome<CastAck>[]> {
    const found = await this.db.selectFrom('votes').select('meeting_id').where('id', '=', voteId).executeTakeFirst();
    if (!found) return take().map(() => ({ ok: false, error: notFound('vote') }));
    let batch: BallotAttempt[] = [];
    let done: { row: VotesTable; outcomes: Outcome<CastAck>[]; ballots: BallotRequest[]; castCounts: Map<string, number>; names: Map<string, string> };
    try {
      done = await this.db.transaction().execute(async (tx) => {
        await lockChain(tx, found.meeting_id, this.#postgres);
        // Read under the meeting's lock: no open, close or cancel can slip in between.
        const row = await tx.selectFrom('votes').selectAll().where('id', '=', voteId).executeTakeFirstOrThrow();
        batch = take();
        const checked: (BallotRequest | AppError)[] = [];
        for (const a of batch) checked.push(await checkBallot(tx, row, a, this.#rules).catch((err: unknown) => (err instanceof AppError ? err : Promise.reject(err))));
        const valid = checked.filter((c): c is BallotRequest => !(c instanceof AppError));
        const w = await writeBallots(tx, row.meeting_id, valid);
        const named = row.secret ? [] : w.accepted.map((b) => b.voter);
        const names = named.length ? await tx.selectFrom('accounts').select(['id', 'display_name']).where('id', 'in', named).execute() : [];
        let next = 0;
        const outcomes = checked.map((c): Outcome<CastAck> => (c instanceof AppError ? { ok: false, error: c } : w.outcomes[next++]!));
        return { row, outcomes, ballots: w.accepted, castCounts: w.castCounts, names: new Map(names.map((n) => [n.id, n.display_name])) };
      });
    } catch (err) {
      if (batch.length === 0) batch = take();
      // A batch that failed as a whole is retried ballot by ballot, so one cannot sink the others.
      if (batch.length > 1) {
        const outcomes: Outcome<CastAck>[] = [];
        for (const a of batch) outcomes.push(...(await this.#commitBallots(voteId, () => [a])));
        return outcomes;
      }
      // Two devices of one person racing on PostgreSQL: the primary key refuses the second.
      const dup = !(err instanceof AppError) && /unique|primary key|duplicate/i.test(String((err as Error)?.message));
      return batch.map(() => ({ ok: false, error: dup ? alreadyVoted() : err }));
    }
    for (const b of done.ballots) {
      const ballot = done.row.secret ? null : { accountId: b.voter, displayName: done.names.get(b.voter) ?? '', choices: b.choices, recordedBy: b.recordedBy };
      this.#queueProgress(done.row, done.castCounts.get(voteId)!, ballot);
    }
    return done.outcomes;
  }

  async proxyCandidates(actor: Actor, voteId: string): Promise<ProxyCandidate[]> {
    const row = await this.#row(voteId);
    const facts = await this.#facts(actor, row.meeting_id);
    if (!canOnMeeting(actor, 'vote.proxy', facts)) throw forbidden('only the operator of an invited bridge point records ballots for others');
    if (row.status === 'draft') throw notFound('vote');
    return this.#proxyCandidates(actor, row);
  }

  /**
   * Delegates an operator may vote for: eligible for this vote, whose unit is the unit of the
   * operator's bridge point, and who are not joined in the room themselves (they vote on their own device).
   */
  async #proxyCandidates(actor: Actor, row: VotesTable, db: Db | Transaction<Database> = this.db): Promise<ProxyCandidate[]> {
    if (!actor.bridgePointId || !row.eligible_ids) return [];
    const point = await db.selectFrom('bridge_points').select('unit_id').where('id', '=', actor.bridgePointId).executeTakeFirst();
    if (!point) return [];
    const eligible = JSON.parse(row.eligible_ids) as string[];
    if (!eligible.length) return [];
    const connected = new Set(this.#presence.peers(row.meeting_id).map((p) => p.accountId));
    const people = await db.selectFrom('accounts').select(['id', 'display_name']).where('unit_id', '=', point.unit_id).where('id', 'in', eligible).execute();
    const voted = new Set((await db.selectFrom('vote_voters').select('account_id').where('vote_id', '=', row.id).execute()).map((v) => v.account_id));
    return people
      .filter((p) => !connected.has(p.id) && p.id !== actor.accountId)
      .map((p) => ({ accountId: p.id, displayName: p.display_name, voted: voted.has(p.id) }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName, 'vi'));
  }

  // ---- pushing ---------------------------------------------------------------------------
  async #pushUpdate(voteId: string, announce = true): Promise<void> {
    const row = await this.#row(voteId);
    if (announce) this.#onUpdated?.(row.meeting_id, voteId);
    if (!this.#presence.peers(row.meeting_id).length) return;
    const meeting = await this.db.selectFrom('meetings').select(['chair_id', 'secretary_id', 'created_by']).where('id', '=', row.meeting_id).executeTakeFirstOrThrow();
    this.#broadcast(row, await this.#extras(row), new Set([meeting.chair_id, meeting.secretary_id, meeting.created_by]));
  }

  /**
   * `voteUpdated` to the room. Named ballots go out one by one in voteProgress; vote.state gives
   * the whole list. The view is made once; only `me` differs, and each distinct `me` is encoded once.
   */
  #broadcast(row: VotesTable, extras: VoteExtras, organisers: ReadonlySet<string>): void {
    const peers = this.#presence.peers(row.meeting_id);
    const eligible = new Set(row.eligible_ids ? (JSON.parse(row.eligible_ids) as string[]) : []);
    const base = entryOf(row, { ...extras, ballots: null }, { eligible: false, voted: false, canManage: false });
    const out = new FanOut('voteUpdated');
    for (const peer of peers) {
      const me = { eligible: eligible.has(peer.accountId), voted: extras.voterIds.has(peer.accountId), canManage: organisers.has(peer.accountId) };
      if (row.status === 'draft' && !me.canManage) continue;
      out.send(peer, `${me.eligible} ${me.voted} ${me.canManage}`, () => ({ ...base, me }));
    }
  }

  #queueProgress(row: VotesTable, castCount: number, ballot: NamedBallot | null): void {
    let pending = this.#progress.get(row.id);
    if (!pending) {
      const timer = setTimeout(() => {
        this.#flushProgress(row.id).catch((err: unknown) => this.#logger.error({ err, voteId: row.id }, 'announcing ballots failed'));
      }, PROGRESS_INTERVAL_MS);
      timer.unref?.();
      pending = { row, castCount, ballots: [], timer };
      this.#progress.set(row.id, pending);
    }
    pending.castCount = Math.max(pending.castCount, castCount);
    if (ballot) pending.ballots.push(ballot);
  }

  /** Sends the pending progress; `counts`: the counters if the caller has them (no read then). */
  async #flushProgress(voteId: string, counts?: Record<string, number>): Promise<void> {
    const pending = this.#progress.get(voteId);
    if (!pending) return;
    this.#progress.delete(voteId);
    clearTimeout(pending.timer);
    const { row } = pending;
    const peers = this.#presence.peers(row.meeting_id);
    if (!peers.length && !this.#onProgress) return;
    let tally: Record<string, number> | null = null;
    if (row.secret === 0 && counts) tally = counts;
    else if (row.secret === 0) {
      const tallies = await this.db.selectFrom('vote_tallies').select(['option_id', 'count']).where('vote_id', '=', row.id).execute();
      tally = Object.fromEntries(tallies.map((t) => [t.option_id, Number(t.count)]));
    }
    const data = { voteId: row.id, castCount: pending.castCount, tally, ballots: pending.ballots };
    this.#onProgress?.(row.meeting_id, data);
    const out = new FanOut('voteProgress');
    for (const peer of peers) out.send(peer, '', () => data);
  }
}
