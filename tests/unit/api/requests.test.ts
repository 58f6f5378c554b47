import { describe, expect, it } from 'vitest';
import { AccountBody, AgendaBody, InvitationsBody, LoginBody, MeetingBody, UnitBody } from '../../../common/api/requests';

const uuid = '3f2b8c1e-4a5d-4e6f-8a9b-0c1d2e3f4a5b';

describe('HTTP request schemas', () => {
  it('accept Vietnamese names with full diacritics, trimmed', () => {
    expect(UnitBody.parse({ name: '  UBND huyện Ba Chẽ ', level: 'district' })).toEqual({ name: 'UBND huyện Ba Chẽ', level: 'district', parentId: null });
  });
  it('reject empty names, control characters and over-long strings', () => {
    expect(UnitBody.safeParse({ name: '   ', level: 'district' }).success).toBe(false);
    expect(UnitBody.safeParse({ name: 'a\u0000b', level: 'district' }).success).toBe(false);
    expect(UnitBody.safeParse({ name: 'x'.repeat(201), level: 'district' }).success).toBe(false);
    expect(UnitBody.safeParse({ name: 'Xã', level: 'village' }).success).toBe(false);
  });
  it('require instants with an offset and known accounts by id', () => {
    const base = { title: 'Họp giao ban', chairId: uuid, secretaryId: uuid };
    expect(MeetingBody.safeParse({ ...base, startsAt: '2026-12-01T08:00:00+07:00', endsAt: '2026-12-01T11:00:00+07:00' }).success).toBe(true);
    expect(MeetingBody.safeParse({ ...base, startsAt: '2026-12-01 08:00', endsAt: '2026-12-01T11:00:00+07:00' }).success).toBe(false);
    expect(MeetingBody.safeParse({ ...base, chairId: 'bob', startsAt: '2026-12-01T08:00:00Z', endsAt: '2026-12-01T11:00:00Z' }).success).toBe(false);
    expect(MeetingBody.safeParse({ ...base, startsAt: '2026-12-01T08:00:00Z', endsAt: '2026-12-01T11:00:00Z', status: 'live' }).success).toBe(false);
  });
  it('bound the agenda and invitations', () => {
    expect(AgendaBody.safeParse({ items: [{ title: 'Khai mạc', durationMinutes: 10 }] }).success).toBe(true);
    expect(AgendaBody.safeParse({ items: [{ title: 'Khai mạc', durationMinutes: 0 }] }).success).toBe(false);
    expect(AgendaBody.safeParse({ items: Array.from({ length: 101 }, () => ({ title: 'x', durationMinutes: 1 })) }).success).toBe(false);
    expect(InvitationsBody.parse({})).toEqual({ pointIds: [], unitIds: [], delegateIds: [] });
    expect(InvitationsBody.safeParse({ pointIds: ['x'] }).success).toBe(false);
  });
  it('check usernames and passwords', () => {
    const base = { displayName: 'Lê Văn Em', role: 'delegate', password: 'mat-khau-dai-1' };
    expect(AccountBody.safeParse({ ...base, username: 'le.van.em' }).success).toBe(true);
    expect(AccountBody.safeParse({ ...base, username: 'Lê Văn Em' }).success).toBe(false);
    expect(AccountBody.safeParse({ ...base, username: 'levanem', password: 'short' }).success).toBe(false);
    expect(AccountBody.safeParse({ ...base, username: 'levanem', role: 'superuser' }).success).toBe(false);
    expect(LoginBody.parse({ username: 'a', password: 'b' }).client).toBe('web');
  });
});
