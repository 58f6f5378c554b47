/** Who may open a meeting's conclusions editor (`minutes/<meetingId>`): its chair and secretary, nobody else. */
import { describe, expect, it } from 'vitest';
import type { MeetingStatus } from '../../../common/api/model';
import type { Actor, MeetingFacts } from '../../../sfu-server/src/auth/policy';
import { CollabAccess } from '../../../sfu-server/src/collab/collab-access';
import { AppError } from '../../../sfu-server/src/errors';
import { MINUTES_PREFIX, minutesResolver } from '../../../sfu-server/src/minutes/minutes-collab';

const actor = (accountId: string, role: Actor['role'] = 'delegate'): Actor => ({ accountId, sessionId: 's', role, displayName: accountId, unitId: null, bridgePointId: null });

function registry(status: MeetingStatus) {
  const facts = async (a: Actor, id: string): Promise<MeetingFacts & { title: string }> => {
    if (id !== 'm1') throw new AppError('not_found', 'meeting not found');
    return { status, chairId: 'chair1', secretaryId: 'sec1', createdBy: 'creator1', invited: a.accountId === 'alice', title: 'Họp' };
  };
  return new CollabAccess().register(MINUTES_PREFIX, minutesResolver({ facts }));
}

describe('minutes/<meetingId>', () => {
  it('the chair and the secretary write it from publication until after the meeting', async () => {
    for (const status of ['published', 'live', 'ended'] as const) {
      for (const who of [actor('chair1', 'chair'), actor('sec1', 'secretary')]) {
        expect(await registry(status).decide(who, 'minutes/m1')).toEqual({ ok: true, grant: { mode: 'write', meetingId: 'm1' } });
      }
    }
  });

  it('nobody else opens it, not even to read: delegates, the creator, admins', async () => {
    const r = registry('live');
    for (const who of [actor('alice'), actor('creator1', 'secretary'), actor('admin1', 'admin'), actor('bob')]) {
      expect(await r.decide(who, 'minutes/m1')).toMatchObject({ ok: false, code: 4403 });
    }
  });

  it('a draft or cancelled meeting, an unknown meeting, or extra segments are refused', async () => {
    expect(await registry('draft').decide(actor('chair1', 'chair'), 'minutes/m1')).toMatchObject({ ok: false, code: 4403 });
    expect(await registry('cancelled').decide(actor('sec1', 'secretary'), 'minutes/m1')).toMatchObject({ ok: false, code: 4403 });
    expect(await registry('live').decide(actor('chair1', 'chair'), 'minutes/other')).toMatchObject({ ok: false, code: 4403 });
    expect(await registry('live').decide(actor('chair1', 'chair'), 'minutes/m1/x')).toMatchObject({ ok: false, code: 4403 });
    expect(await registry('live').decide(actor('chair1', 'chair'), 'minutes')).toMatchObject({ ok: false, code: 4403 });
  });
});
