/**
 * Role × action over every floor, moderation and attendance method, through real signaling. Each
 * role is in the room of a live meeting (as its admin, secretary/creator, chair, an invited
 * delegate, guest, observer, or the operator of an invited point). Allowed calls succeed; refused
 * ones answer `forbidden` and leave the floor and attendance state as they were. Not joined →
 * not_joined. The table IS the policy (auth/policy.ts: floor.request, floor.manage,
 * meeting.moderate, attendance.manage).
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Method } from '../../common/protocol';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

const ROLES = ['admin', 'secretary', 'chair', 'delegate', 'guest', 'operator', 'observer'] as const;
type RoleName = (typeof ROLES)[number];
type Outcome = 'ok' | 'forbidden' | 'not_found';
const ok = 'ok';
const F = 'forbidden';
const NF = 'not_found';

// prettier-ignore
const POLICY: Record<string, Outcome[]> = {
  //                          admin secr. chair deleg guest oper. obs.
  'floor.state':              [ok,  ok,   ok,   ok,   ok,   ok,   ok],
  'floor.request':            [ok,  ok,   ok,   ok,   F,    ok,   F],
  // Withdrawing is one's own request: guests and observers cannot have one.
  'floor.withdraw':           [ok,  ok,   ok,   ok,   NF,   ok,   NF],
  'floor.give':               [ok,  ok,   ok,   F,    F,    F,    F],
  'floor.take':               [ok,  ok,   ok,   F,    F,    F,    F],
  'floor.settings':           [ok,  ok,   ok,   F,    F,    F,    F],
  'moderation.mute':          [ok,  ok,   ok,   F,    F,    F,    F],
  'moderation.muteAll':       [ok,  ok,   ok,   F,    F,    F,    F],
  'moderation.askUnmute':     [ok,  ok,   ok,   F,    F,    F,    F],
  'moderation.remove':        [ok,  ok,   ok,   F,    F,    F,    F],
  'moderation.readmit':       [ok,  ok,   ok,   F,    F,    F,    F],
  'moderation.lock':          [ok,  ok,   ok,   F,    F,    F,    F],
  'attendance.state':         [ok,  ok,   ok,   F,    F,    F,    F],
  'attendance.rollCall':      [ok,  ok,   ok,   F,    F,    F,    F],
  'attendance.mark':          [ok,  ok,   ok,   F,    F,    F,    F],
  'attendance.quorum':        [ok,  ok,   ok,   F,    F,    F,    F],
};

// Real media workers and several clients per scenario: room for a busy machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let server: RunningServer;
let meetingId: string;
let clients: Record<RoleName, TestSignalingClient>;
let target: Person;
let targetClient: TestSignalingClient;
let targetPointId: string;
let delegateId: string;

beforeAll(async () => {
  server = await startTestServer();
  const admin = await TestApi.admin(server.url);
  const people = {
    delegate: await person(admin, 'delegate', 'Đại biểu Phạm Văn Dũng'),
    guest: await person(admin, 'guest', 'Khách mời Võ Thị Hoa'),
    operator: await person(admin, 'operator', 'Điểm cầu xã Hòa Bình'),
    observer: await person(admin, 'observer', 'Quan sát viên Đỗ Minh'),
  };
  target = await person(admin, 'operator', 'Điểm cầu xã Mục Tiêu');
  const m = await liveMeeting(admin, [...Object.values(people), target]);
  meetingId = m.id;
  delegateId = people.delegate.id;
  targetPointId = (await target.api.ok('GET', '/api/auth/me')).bridgePointId;
  const tokens: Record<RoleName, string> = {
    admin: admin.token!,
    secretary: m.secretary.token,
    chair: m.chair.token,
    delegate: people.delegate.token,
    guest: people.guest.token,
    operator: people.operator.token,
    observer: people.observer.token,
  };
  clients = {} as Record<RoleName, TestSignalingClient>;
  for (const role of ROLES) {
    clients[role] = await TestSignalingClient.connect(server.url, tokens[role]);
    await clients[role].request('join', { meetingId });
  }
  targetClient = await TestSignalingClient.connect(server.url, target.token);
  await targetClient.request('join', { meetingId });
});

afterAll(async () => {
  for (const c of Object.values(clients ?? {})) c.close();
  targetClient?.close();
  await server?.close();
});

const chair = () => clients.chair;

async function rejoinTarget(): Promise<void> {
  targetClient.close();
  targetClient = await TestSignalingClient.connect(server.url, target.token);
  await targetClient.request('join', { meetingId });
}

/** What each call needs before (so an allowed call can succeed) and after (to put things back). */
const CASES: Record<string, { data: () => unknown; before?: (role: RoleName) => Promise<void>; after?: (outcome: Outcome, role: RoleName) => Promise<void> }> = {
  'floor.state': { data: () => ({}) },
  'floor.request': { data: () => ({ topic: 'Góp ý dự thảo' }), after: async (o, role) => void (o === ok && (await clients[role].request('floor.withdraw', {}))) },
  'floor.withdraw': {
    data: () => ({}),
    before: async (role) => {
      if (POLICY['floor.request']![ROLES.indexOf(role)] === ok) await clients[role].request('floor.request', {});
    },
  },
  'floor.give': { data: () => ({ accountId: target.id }), after: async (o) => void (o === ok && (await chair().request('floor.take', {}))) },
  'floor.take': {
    data: () => ({}),
    before: async () => void (await chair().request('floor.give', { accountId: target.id })),
    after: async (o) => void (o !== ok && (await chair().request('floor.take', {}))),
  },
  'floor.settings': { data: () => ({ limitSeconds: 240 }), after: async (o) => void (o === ok && (await chair().request('floor.settings', { limitSeconds: 180 }))) },
  'moderation.mute': { data: () => ({ accountId: target.id }), after: async (o) => void (o === ok && (await chair().request('moderation.askUnmute', { accountId: target.id }))) },
  'moderation.muteAll': {
    data: () => ({}),
    after: async (o) => {
      if (o !== ok) return;
      for (const id of (await server.floor.state(meetingId)).hostMuted) await chair().request('moderation.askUnmute', { accountId: id });
    },
  },
  'moderation.askUnmute': {
    data: () => ({ accountId: target.id }),
    before: async () => void (await chair().request('moderation.mute', { accountId: target.id })),
    after: async (o) => void (o !== ok && (await chair().request('moderation.askUnmute', { accountId: target.id }))),
  },
  'moderation.remove': {
    data: () => ({ accountId: target.id }),
    after: async (o) => {
      if (o !== ok) return;
      await chair().request('moderation.readmit', { accountId: target.id });
      await rejoinTarget();
    },
  },
  'moderation.readmit': {
    data: () => ({ accountId: target.id }),
    before: async () => void (await chair().request('moderation.remove', { accountId: target.id })),
    after: async (o) => {
      if (o !== ok) await chair().request('moderation.readmit', { accountId: target.id });
      await rejoinTarget();
    },
  },
  'moderation.lock': { data: () => ({ locked: true }), after: async (o) => void (o === ok && (await chair().request('moderation.lock', { locked: false }))) },
  'attendance.state': { data: () => ({}) },
  'attendance.rollCall': { data: () => ({ bridgePointId: targetPointId, presentCount: 20 }) },
  'attendance.mark': { data: () => ({ accountId: delegateId, present: false }) },
  'attendance.quorum': { data: () => ({ rule: { basis: 'auto', numerator: 1, denominator: 2, strict: true } }) },
};

/** The state a refused call must not change (without the clock). */
async function observable() {
  // Read on the server itself (the signaling connections have a rate limit).
  const { serverNow: _now, ...floor } = await server.floor.state(meetingId);
  const { at: _at, ...attendance } = await server.attendance.state(meetingId);
  // Connection times move on by themselves; the rest must not.
  const strip = <T extends { totalSeconds: number }>(rows: T[]) => rows.map(({ totalSeconds: _t, ...r }) => r);
  return { floor, attendance: { ...attendance, points: strip(attendance.points), delegates: strip(attendance.delegates), others: strip(attendance.others) } };
}

it('covers every floor, moderation and attendance method', async () => {
  const { floorRequests, attendanceRequests } = await import('../../common/protocol');
  expect(Object.keys(POLICY).sort()).toEqual([...Object.keys(floorRequests), ...Object.keys(attendanceRequests)].sort());
});

for (const [method, outcomes] of Object.entries(POLICY)) {
  it(`${method}: ${ROLES.map((r, i) => `${r} ${outcomes[i]}`).join(', ')}`, async () => {
    const c = CASES[method]!;
    for (const [i, role] of ROLES.entries()) {
      const expected = outcomes[i]!;
      await c.before?.(role);
      const before = expected === ok ? null : await observable();
      const frame = (await clients[role].requestFrame(method, c.data())) as { ok: boolean; error?: { code: string } };
      const outcome: Outcome | string = frame.ok ? ok : frame.error!.code;
      expect(outcome, `${role} → ${method}`).toBe(expected);
      if (before) expect(await observable(), `${role} → ${method} changed nothing`).toEqual(before);
      await c.after?.(expected, role);
    }
  });
}

it('every method answers not_joined before joining', async () => {
  const admin = await TestApi.admin(server.url);
  const outsider = await TestSignalingClient.connect(server.url, admin.token!);
  for (const method of Object.keys(POLICY) as Method[]) {
    const frame = (await outsider.requestFrame(method, CASES[method]!.data())) as { ok: boolean; error?: { code: string } };
    expect(frame.error?.code, method).toBe('not_joined');
  }
  outsider.close();
});
