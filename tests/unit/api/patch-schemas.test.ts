/**
 * PATCH bodies carry only what the client changes. zod 4 applies a field's `.default()` even inside
 * `.optional()`, so a patch schema made with `Body.partial()` silently filled in defaults
 * (`{ name }` became `{ name, parentId: null }`, moving a renamed unit to the top level).
 */
import { describe, expect, it } from 'vitest';
import { AccountPatch, BridgePointPatch, MeetingPatch, UnitPatch } from '../../../common/api/requests';

const uuid = '3f2b8c1e-4a5d-4e6f-8a9b-0c1d2e3f4a5b';

describe('PATCH schemas', () => {
  it('add no field the client did not send', () => {
    expect(UnitPatch.parse({ name: 'Xã Thanh Sơn' })).toEqual({ name: 'Xã Thanh Sơn' });
    expect(UnitPatch.parse({})).toEqual({});
    expect(MeetingPatch.parse({ title: 'Họp giao ban' })).toEqual({ title: 'Họp giao ban' });
    expect(MeetingPatch.parse({})).toEqual({});
    expect(BridgePointPatch.parse({ headcount: 5 })).toEqual({ headcount: 5 });
    expect(AccountPatch.parse({ disabled: true })).toEqual({ disabled: true });
  });

  it('still validate the fields that are sent, and refuse unknown ones', () => {
    expect(UnitPatch.parse({ parentId: null })).toEqual({ parentId: null });
    expect(UnitPatch.parse({ parentId: uuid, level: 'district' })).toEqual({ parentId: uuid, level: 'district' });
    expect(UnitPatch.safeParse({ name: '  ' }).success).toBe(false);
    expect(UnitPatch.safeParse({ level: 'village' }).success).toBe(false);
    expect(UnitPatch.safeParse({ id: uuid }).success).toBe(false);
    expect(MeetingPatch.parse({ description: '' })).toEqual({ description: '' });
    expect(MeetingPatch.safeParse({ startsAt: '2026-12-01 08:00' }).success).toBe(false);
    expect(MeetingPatch.safeParse({ status: 'live' }).success).toBe(false);
    expect(MeetingPatch.safeParse({ title: 'x'.repeat(301) }).success).toBe(false);
    expect(MeetingPatch.safeParse({ chairId: 'bob' }).success).toBe(false);
  });
});
