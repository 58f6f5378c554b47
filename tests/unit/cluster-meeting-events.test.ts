/** The bus's envelope check (sfu-server/src/cluster/meeting-events.ts): what another server sends is input. */
import { describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES, MAX_INLINE_UPDATE_BYTES, parseEnvelope } from '../../sfu-server/src/cluster/meeting-events';

const good = { v: 1, server: 'server-a', epoch: 'abc', meetingId: 'm1', seq: 1, sentAt: 1_700_000_000_000, event: { type: 'floor.changed', revision: 3 } };
const encode = (x: unknown) => JSON.stringify(x);

describe('meeting event envelope', () => {
  it('accepts each kind of event as sent', () => {
    const events = [
      { type: 'presence', change: 'left', peerId: 'p', accountId: 'a', role: 'chair', displayName: 'Trần Thị Bình', pointName: '' },
      { type: 'moderation', accountId: 'a', action: 'remove', by: 'Chủ tọa' },
      { type: 'vote.updated', voteId: 'v' },
      { type: 'vote.progress', voteId: 'v', castCount: 0, tally: null, ballots: [] },
      { type: 'chat.message', secretaryId: 's', message: { id: 'i', thread: 'all', senderId: 'a', senderName: 'A', pointName: '', body: 'Xin chào', at: '2026-12-07T00:00:00.000Z' } },
      { type: 'collab.awareness', doc: 'doc:1', update: 'AQID' },
      { type: 'collab.update', doc: 'doc:1', update: Buffer.alloc(MAX_INLINE_UPDATE_BYTES).toString('base64') },
      { type: 'collab.stored', doc: 'doc:1' },
    ];
    for (const event of events) {
      const r = parseEnvelope(encode({ ...good, event }));
      expect(r.ok, JSON.stringify(r)).toBe(true);
    }
  });

  it('refuses what is not an envelope of a known event, with the reason', () => {
    const cases: [unknown, string][] = [
      [{ ...good, v: 2 }, 'v'],
      [{ ...good, seq: 0 }, 'seq'],
      [{ ...good, event: { type: 'floor.changed', revision: 1, extra: true } }, 'event'],
      [{ ...good, event: { type: 'vote.progress', voteId: 'v', castCount: -1, tally: null, ballots: [] } }, 'event.castCount'],
      [{ ...good, event: { type: 'collab.update', doc: 'd', update: 'not base64!' } }, 'event.update'],
      [{ ...good, event: { type: 'collab.update', doc: 'd', update: Buffer.alloc(MAX_INLINE_UPDATE_BYTES + 3).toString('base64') } }, 'event.update'],
      [{ ...good, event: { type: 'presence', change: 'teleported', peerId: 'p', accountId: 'a', role: 'r', displayName: '', pointName: '' } }, 'event.change'],
      [{ ...good, meetingId: '' }, 'meetingId'],
      [[good], '(root)'],
    ];
    for (const [value, path] of cases) {
      const r = parseEnvelope(encode(value));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toContain(path);
    }
    expect(parseEnvelope('{')).toEqual({ ok: false, reason: 'not JSON' });
    expect(parseEnvelope('x'.repeat(MAX_EVENT_BYTES + 1))).toMatchObject({ ok: false, reason: expect.stringContaining('too large') });
  });
});
