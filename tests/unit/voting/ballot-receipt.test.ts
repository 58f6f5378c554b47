/**
 * The voting store's receipts (what the ballot's receipt shows) and the Votes button's badge, with
 * a stand-in for the conference engine that answers `vote.cast` like the server does.
 */
import { describe, expect, it, vi } from 'vitest';
import type { VoteEntry } from '../../../common/protocol';
import type { ConferenceEngine } from '../../../renderer/src/features/conference/conference-engine';
import { chosenLabels } from '../../../renderer/src/features/voting/ballot-choice';
import { receiptTime } from '../../../renderer/src/features/voting/receipt-time';
import { VotingStore, waitingBallots, type VotingState } from '../../../renderer/src/features/voting/voting-store';

function entry(id: string, status: VoteEntry['vote']['status'], me: Partial<VoteEntry['me']> = {}): VoteEntry {
  return {
    vote: {
      id,
      meetingId: 'm',
      agendaItemId: null,
      status,
      question: `Câu hỏi ${id}`,
      options: [
        { id: 'tan-thanh', label: 'Tán thành' },
        { id: 'khong-tan-thanh', label: 'Không tán thành' },
        { id: 'khong-bieu-quyet', label: 'Không biểu quyết' },
      ],
      custom: false,
      maxChoices: 1,
      secret: false,
      durationSeconds: null,
      voterIds: null,
      eligibleCount: 3,
      castCount: 0,
      tally: null,
      openedAt: null,
      closesAt: null,
      closedAt: null,
      createdAt: '2026-12-06T10:00:00Z',
    } as unknown as VoteEntry['vote'],
    me: { eligible: true, voted: false, canManage: false, ...me },
    ballots: [],
  };
}

function fakeEngine(answers: Array<() => unknown>) {
  const calls: Array<{ method: string; data: unknown }> = [];
  const engine = {
    calls,
    onJoined: () => () => undefined,
    on: () => () => undefined,
    getState: () => ({ self: { accountId: 'me' } }),
    request: vi.fn(async (method: string, data: unknown) => {
      calls.push({ method, data });
      if (method === 'vote.state') return { votes: [entry('v1', 'open')], present: 3 };
      const next = answers.shift();
      if (!next) throw new Error('unexpected request');
      return next();
    }),
  };
  return engine;
}

describe('ballot receipts', () => {
  it('a cast acknowledged by the server leaves a receipt with the choice and the time', async () => {
    const engine = fakeEngine([() => ({ voteId: 'v1', castCount: 1, chainHead: 'abc' })]);
    const store = new VotingStore(engine as unknown as ConferenceEngine);
    await store.refresh();
    expect(waitingBallots(store.getState())).toBe(1);
    const before = Date.now();
    await store.cast('v1', ['tan-thanh']);
    const receipt = store.getState().receipts['v1'];
    expect(receipt?.choices).toEqual(['tan-thanh']);
    expect(receipt!.at).toBeGreaterThanOrEqual(before);
    expect(waitingBallots(store.getState())).toBe(0);
  });

  it('a refused ballot leaves no receipt and still waits', async () => {
    const engine = fakeEngine([() => Promise.reject(Object.assign(new Error('closed'), { code: 'vote_not_open' }))]);
    const store = new VotingStore(engine as unknown as ConferenceEngine);
    await store.refresh();
    await expect(store.cast('v1', ['tan-thanh'])).rejects.toThrow();
    expect(store.getState().receipts['v1']).toBeUndefined();
    expect(waitingBallots(store.getState())).toBe(1);
  });

  it('a ballot recorded for someone else (a point operator) is not the operator\'s receipt', async () => {
    const engine = fakeEngine([() => ({ voteId: 'v1', castCount: 1, chainHead: 'abc' })]);
    const store = new VotingStore(engine as unknown as ConferenceEngine);
    await store.refresh();
    await store.cast('v1', ['tan-thanh'], '00000000-0000-4000-8000-000000000001');
    expect(store.getState().receipts['v1']).toBeUndefined();
  });

  it('the badge counts open votes that wait for this participant only', () => {
    const state: VotingState = {
      loaded: true,
      present: 0,
      receipts: {},
      votes: [entry('a', 'open'), entry('b', 'open', { voted: true }), entry('c', 'open', { eligible: false }), entry('d', 'draft'), entry('e', 'closed'), entry('f', 'open')],
    };
    expect(waitingBallots(state)).toBe(2);
  });

  it('names the chosen options in the ballot order, and the time with seconds in the UI language', () => {
    const vote = entry('v', 'open').vote;
    expect(chosenLabels(vote, ['khong-bieu-quyet', 'tan-thanh'])).toEqual(['Tán thành', 'Không biểu quyết']);
    // 2026-12-06 16:05:09 UTC is 23:05:09 in Vietnam.
    const at = Date.UTC(2026, 11, 6, 16, 5, 9);
    expect(receiptTime(at, 'vi')).toBe('23:05:09');
    expect(receiptTime(at, 'en')).toBe('23:05:09');
  });
});
