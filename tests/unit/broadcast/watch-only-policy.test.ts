import { describe, expect, it } from 'vitest';
import { canOnMeeting, canReadDocuments, type Actor, type MeetingAction, type MeetingFacts } from '../../../sfu-server/src/auth/policy';

const actor = (role: Actor['role'], accountId = 'me'): Actor => ({ accountId, sessionId: 's', role, displayName: 'x', unitId: null, bridgePointId: null });
const live: MeetingFacts = { status: 'live', chairId: 'chair', secretaryId: 'sec', createdBy: 'sec', invited: false, watchOnly: true };

describe('watch-only viewers in the policy', () => {
  it('see the meeting and watch the broadcast; nothing that needs a seat', () => {
    const allowed: MeetingAction[] = ['meeting.view', 'broadcast.watch'];
    const refused: MeetingAction[] = ['meeting.join', 'vote.cast', 'vote.proxy', 'chat.post', 'chat.read', 'floor.request', 'broadcast.manage', 'meeting.edit', 'minutes.write'];
    for (const role of ['delegate', 'observer', 'guest', 'operator'] as const) {
      for (const a of allowed) expect(canOnMeeting(actor(role), a, live), `${role} ${a}`).toBe(true);
      for (const a of refused) expect(canOnMeeting(actor(role), a, live), `${role} ${a}`).toBe(false);
    }
  });

  it('do not see a draft, and watch only while live', () => {
    expect(canOnMeeting(actor('observer'), 'meeting.view', { ...live, status: 'draft' })).toBe(false);
    expect(canOnMeeting(actor('observer'), 'broadcast.watch', { ...live, status: 'ended' })).toBe(false);
  });

  it('read published non-confidential documents; a confidential one only when named as its reader', () => {
    expect(canReadDocuments(actor('observer'), live, true)).toBe(true);
    expect(canReadDocuments(actor('observer'), live, false)).toBe(false);
    expect(canReadDocuments(actor('observer'), live, true, { confidential: true, allowedRoles: ['observer'], readers: [] })).toBe(false);
    expect(canReadDocuments(actor('observer'), live, true, { confidential: true, allowedRoles: [], readers: ['me'] })).toBe(true);
  });

  it('the broadcast is turned on by the chair and the secretary (and admins), not the creator or a delegate', () => {
    const m = { ...live, watchOnly: false, invited: true, createdBy: 'creator' };
    expect(canOnMeeting(actor('chair', 'chair'), 'broadcast.manage', m)).toBe(true);
    expect(canOnMeeting(actor('secretary', 'sec'), 'broadcast.manage', m)).toBe(true);
    expect(canOnMeeting(actor('admin', 'root'), 'broadcast.manage', m)).toBe(true);
    expect(canOnMeeting(actor('secretary', 'creator'), 'broadcast.manage', m)).toBe(false);
    expect(canOnMeeting(actor('delegate'), 'broadcast.manage', m)).toBe(false);
    expect(canOnMeeting(actor('delegate'), 'broadcast.watch', m)).toBe(true);
  });
});
