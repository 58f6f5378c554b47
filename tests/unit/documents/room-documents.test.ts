/**
 * Following the presenter, without a browser: a fake conference engine feeds presentation states
 * to the documents engine of the room; a follower's viewer goes to the presenter's page, stops
 * following when the reader turns pages themselves, and comes back with follow(); the presenter's
 * own page turns go out as doc.setPage.
 */
import { describe, expect, it, vi } from 'vitest';
import type { PresentationState } from '../../../common/protocol/documents';
import type { ConferenceEngine } from '../../../renderer/src/features/conference/conference-engine';
import { RoomDocuments } from '../../../renderer/src/features/documents/room-documents';

const MEETING = '11111111-1111-4111-8111-111111111111';
const DOC = '22222222-2222-4222-8222-222222222222';
const VERSION = '33333333-3333-4333-8333-333333333333';
const CHAIR = '44444444-4444-4444-8444-444444444444';
const ME = '55555555-5555-4555-8555-555555555555';

class FakeEngine {
  readonly handlers = new Map<string, (data: unknown) => void>();
  readonly requests: { method: string; data: unknown }[] = [];
  state: PresentationState = { presentation: null, designatedAccountId: null };
  on(name: string, h: (data: unknown) => void) {
    this.handlers.set(name, h);
    return () => this.handlers.delete(name);
  }
  onJoined(h: () => void) {
    h();
    return () => undefined;
  }
  async request(method: string, data: unknown): Promise<unknown> {
    this.requests.push({ method, data });
    if (method === 'doc.presentation') return { state: this.state, mayPresent: false, mayDesignate: false };
    if (method === 'doc.setPage') return this.state;
    throw new Error(`unexpected ${method}`);
  }
  push(state: PresentationState) {
    this.state = state;
    this.handlers.get('docPresentation')?.(state);
  }
}

const presenting = (page: number, by = CHAIR): PresentationState => ({ presentation: { presenterAccountId: by, presenterName: 'Chủ tọa', documentId: DOC, versionId: VERSION, page }, designatedAccountId: null });

function setup(accountId = ME) {
  const engine = new FakeEngine();
  const store = new RoomDocuments(engine as unknown as ConferenceEngine, MEETING, accountId);
  return { engine, store };
}

describe('RoomDocuments', () => {
  it('a follower is taken to the presenter’s document and page, and stays there as pages turn', () => {
    const { engine, store } = setup();
    engine.push(presenting(1));
    expect(store.getSnapshot()).toMatchObject({ open: { documentId: DOC, versionId: VERSION }, following: true, target: { page: 1 } });
    engine.push(presenting(3));
    expect(store.getSnapshot().target?.page).toBe(3);
    // The viewer reports the jump it made itself: still following.
    store.onPageChange(3, false);
    expect(store.getSnapshot().following).toBe(true);
  });

  it('turning pages oneself stops following; the presenter goes on; follow() comes back to their page', () => {
    const { engine, store } = setup();
    engine.push(presenting(2));
    store.onPageChange(5, true);
    expect(store.getSnapshot().following).toBe(false);
    const seq = store.getSnapshot().target!.seq;
    engine.push(presenting(4));
    expect(store.getSnapshot().target!.seq).toBe(seq);
    store.follow();
    expect(store.getSnapshot()).toMatchObject({ following: true, target: { page: 4 } });
  });

  it('a new presentation is followed again, even after browsing away from the last one', () => {
    const { engine, store } = setup();
    engine.push(presenting(2));
    store.onPageChange(6, true);
    engine.push({ presentation: null, designatedAccountId: null });
    engine.push(presenting(1, '66666666-6666-4666-8666-666666666666'));
    expect(store.getSnapshot()).toMatchObject({ following: true, target: { page: 1 } });
  });

  it('the presenter’s own page turns are sent as doc.setPage (debounced), and echoes do not move the view', async () => {
    vi.useFakeTimers();
    try {
      const { engine, store } = setup(CHAIR);
      store.open({ id: DOC, versions: [{ id: VERSION }] } as never);
      engine.push(presenting(1, CHAIR));
      const seq = store.getSnapshot().target!.seq;
      store.onPageChange(2, true);
      store.onPageChange(3, true);
      await vi.advanceTimersByTimeAsync(200);
      expect(engine.requests.filter((r) => r.method === 'doc.setPage')).toEqual([{ method: 'doc.setPage', data: { page: 3 } }]);
      engine.push(presenting(3, CHAIR));
      expect(store.getSnapshot().target!.seq).toBe(seq);
    } finally {
      vi.useRealTimers();
    }
  });
});
