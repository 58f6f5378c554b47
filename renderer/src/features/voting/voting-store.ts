/**
 * The votes of the meeting this client is in: fetched after every (re)join, kept current from the
 * server's pushes. One store per conference engine, shared by the ballot overlay and the panel.
 */
import { useSyncExternalStore } from 'react';
import type { ProxyCandidate, VoteDefinitionInput, VoteEntry } from '../../../../common/protocol';
import type { ConferenceEngine } from '../conference/conference-engine';

export interface VotingState {
  loaded: boolean;
  votes: VoteEntry[];
  /** Eligible people present in the room (see the server's eligibility.ts). */
  present: number;
  /** This client's own ballots acknowledged by the server, by vote: what was chosen and when. */
  receipts: Readonly<Record<string, VoteReceipt>>;
}

/** The receipt of one's own ballot: the server acknowledged it (stored in the hash chain) at `at`. */
export interface VoteReceipt {
  voteId: string;
  choices: string[];
  /** ms since the epoch, on this device's clock, when the acknowledgement arrived. */
  at: number;
}

/** Open votes that wait for this participant's ballot (the Votes button's badge). */
export function waitingBallots(state: VotingState): number {
  return state.votes.filter((e) => e.vote.status === 'open' && e.me.eligible && !e.me.voted).length;
}

/** Times a ballot is sent again while the server answers `unavailable`. */
const CAST_RETRIES = 3;

export class VotingStore {
  #state: VotingState = { loaded: false, votes: [], present: 0, receipts: {} };
  readonly #listeners = new Set<() => void>();
  readonly #engine: ConferenceEngine;

  constructor(engine: ConferenceEngine) {
    this.#engine = engine;
    engine.onJoined(() => void this.refresh());
    engine.on('voteUpdated', (entry) => {
      const existing = this.#state.votes.find((v) => v.vote.id === entry.vote.id);
      // Pushes carry no named ballots (they come one by one in voteProgress): keep the ones we have.
      const merged: VoteEntry = { ...entry, ballots: entry.vote.secret ? null : (existing?.ballots ?? []) };
      this.#set({ votes: existing ? this.#state.votes.map((v) => (v.vote.id === entry.vote.id ? merged : v)) : [...this.#state.votes, merged] });
    });
    engine.on('voteProgress', (p) => {
      this.#set({
        votes: this.#state.votes.map((v) => {
          if (v.vote.id !== p.voteId) return v;
          const fresh = v.ballots ? p.ballots.filter((b) => !v.ballots!.some((x) => x.accountId === b.accountId)) : [];
          const ballots = v.ballots && fresh.length ? [...v.ballots, ...fresh] : v.ballots;
          const self = this.#engine.getState().self?.accountId;
          const me = p.ballots.some((b) => b.accountId === self) ? { ...v.me, voted: true } : v.me;
          return { ...v, me, ballots, vote: { ...v.vote, castCount: Math.max(v.vote.castCount, p.castCount), tally: p.tally ?? v.vote.tally } };
        }),
      });
    });
  }

  getState = (): VotingState => this.#state;
  subscribe = (l: () => void): (() => void) => {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  };
  #set(patch: Partial<VotingState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const l of this.#listeners) l();
  }
  #put(entry: VoteEntry): VoteEntry {
    const exists = this.#state.votes.some((v) => v.vote.id === entry.vote.id);
    this.#set({ votes: exists ? this.#state.votes.map((v) => (v.vote.id === entry.vote.id ? entry : v)) : [...this.#state.votes, entry] });
    return entry;
  }

  async refresh(): Promise<void> {
    const s = await this.#engine.request('vote.state', {});
    this.#set({ loaded: true, votes: s.votes, present: s.present });
  }

  create = async (def: VoteDefinitionInput) => this.#put(await this.#engine.request('vote.create', def));
  open = async (voteId: string) => this.#put(await this.#engine.request('vote.open', { voteId }));
  close = async (voteId: string) => this.#put(await this.#engine.request('vote.close', { voteId }));
  cancel = async (voteId: string) => this.#put(await this.#engine.request('vote.cancel', { voteId }));

  /**
   * Casts a ballot. While the server's database is restarting it answers `unavailable` (the ballot
   * was not stored): the same ballot is sent again after 1, 2, 4 s. If an earlier attempt was in
   * fact stored (its answer was lost), the resend is refused as `already_voted`: that is success.
   */
  async cast(voteId: string, choices: string[], onBehalfOf?: string): Promise<void> {
    const request = { voteId, choices, ...(onBehalfOf ? { onBehalfOf } : {}) };
    let ack: { castCount: number } | null = null;
    for (let attempt = 0; ack === null; attempt++) {
      try {
        ack = await this.#engine.request('vote.cast', request);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'already_voted' && attempt > 0) {
          // An earlier attempt was stored (its answer was lost): that is the receipt.
          if (!onBehalfOf) this.#set({ receipts: { ...this.#state.receipts, [voteId]: { voteId, choices, at: Date.now() } } });
          await this.refresh();
          return;
        }
        if (code !== 'unavailable' || attempt >= CAST_RETRIES) throw err;
        await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
      }
    }
    const castCount = ack.castCount;
    this.#set({
      votes: this.#state.votes.map((v) => (v.vote.id === voteId ? { ...v, me: onBehalfOf ? v.me : { ...v.me, voted: true }, vote: { ...v.vote, castCount: Math.max(v.vote.castCount, castCount) } } : v)),
      ...(onBehalfOf ? {} : { receipts: { ...this.#state.receipts, [voteId]: { voteId, choices, at: Date.now() } } }),
    });
  }

  async proxyCandidates(voteId: string): Promise<ProxyCandidate[]> {
    return (await this.#engine.request('vote.proxyCandidates', { voteId })).candidates;
  }
}

const stores = new WeakMap<ConferenceEngine, VotingStore>();

export function votingStoreOf(engine: ConferenceEngine): VotingStore {
  let store = stores.get(engine);
  if (!store) stores.set(engine, (store = new VotingStore(engine)));
  return store;
}

export function useVoting(engine: ConferenceEngine): [VotingState, VotingStore] {
  const store = votingStoreOf(engine);
  return [useSyncExternalStore(store.subscribe, store.getState), store];
}
