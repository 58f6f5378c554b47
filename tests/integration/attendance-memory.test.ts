/**
 * A meeting's attendance model lives in memory only while someone is connected: it is let go when
 * the last connection leaves and when the meeting ends (its room closes), and loaded again from the
 * store with what was recorded (first join, time connected, roll calls) when someone comes back.
 * A join refused at the door (a locked meeting asks whether the account was just there) does not
 * keep it either.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { eventually } from '../support/collab-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('attendance models in memory', () => {
  it('are freed when the last connection leaves and reloaded with what was recorded', async () => {
    const admin = await TestApi.admin(server.url);
    const a = await person(admin, 'operator', 'Điểm cầu bộ nhớ A');
    const b = await person(admin, 'operator', 'Điểm cầu bộ nhớ B');
    const m = await liveMeeting(admin, [a, b]);
    const loaded = () => server.attendance.isLoaded(m.id);

    const sec = await TestSignalingClient.connect(server.url, m.secretary.token);
    await sec.request('join', { meetingId: m.id });
    const pa = await TestSignalingClient.connect(server.url, a.token);
    await pa.request('join', { meetingId: m.id });
    await sec.notification('attendance.changed', (c) => c.points.some((p: { online: boolean }) => p.online));
    const bPoint = (await b.api.ok('GET', '/api/auth/me')).bridgePointId;
    await sec.request('attendance.rollCall', { bridgePointId: bPoint, presentCount: 7 });
    expect(loaded()).toBe(true);

    // One leaves: the model stays (the secretary is still there).
    pa.close();
    await sec.notification('attendance.changed', (c) => c.points.some((p: { online: boolean; lastLeftAt: string | null }) => !p.online && p.lastLeftAt));
    expect(loaded()).toBe(true);
    const before = await sec.request('attendance.state', {});

    // The last one leaves: the model goes.
    sec.close();
    await eventually(() => expect(loaded()).toBe(false), 5000);

    // Someone comes back: loaded again, with the same record.
    const sec2 = await TestSignalingClient.connect(server.url, m.secretary.token);
    await sec2.request('join', { meetingId: m.id });
    expect(loaded()).toBe(true);
    const after = await sec2.request('attendance.state', {});
    const pointA = (st: typeof before) => st.points.find((p) => p.bridgePointId !== bPoint)!;
    expect(pointA(after)).toMatchObject({ online: false, firstJoinedAt: pointA(before).firstJoinedAt, lastLeftAt: pointA(before).lastLeftAt });
    expect(after.points.find((p) => p.bridgePointId === bPoint)).toMatchObject({ rollCall: { presentCount: 7 } });

    // The meeting ends while someone is connected: the room closes and the model goes with it.
    await m.secretary.api.ok('POST', `/api/meetings/${m.id}/transition`, { to: 'ended' });
    await eventually(() => expect(loaded()).toBe(false), 5000);
    sec2.close();
  });

  it('a join refused because the meeting is locked does not keep the model it loaded', async () => {
    const admin = await TestApi.admin(server.url);
    const a = await person(admin, 'operator', 'Điểm cầu khóa A');
    const b = await person(admin, 'operator', 'Điểm cầu khóa B');
    const m = await liveMeeting(admin, [a, b]);
    const loaded = () => server.attendance.isLoaded(m.id);

    const chair = await TestSignalingClient.connect(server.url, m.chair.token);
    await chair.request('join', { meetingId: m.id });
    await chair.request('moderation.lock', { locked: true });
    const { firstJoinedAt } = (await chair.request('attendance.state', {})).others.find((o) => o.accountId === m.chair.id)!;
    chair.close();
    await eventually(() => expect(loaded()).toBe(false), 5000);

    // B was never in: the lock refuses it, after the guard loaded the model to ask.
    const pb = await TestSignalingClient.connect(server.url, b.token);
    const refused = await pb.requestFrame('join', { meetingId: m.id });
    expect((refused as { error?: { code: string } }).error?.code).toBe('meeting_locked');
    await eventually(() => expect(loaded()).toBe(false), 5000);
    pb.close();

    // Nothing was lost by letting it go: the chair comes back (organisers pass the lock) and finds the record.
    const again = await TestSignalingClient.connect(server.url, m.chair.token);
    await again.request('join', { meetingId: m.id });
    expect(loaded()).toBe(true);
    const state = await again.request('attendance.state', {});
    const chairRow = state.others.find((o) => o.accountId === m.chair.id)!;
    expect(chairRow).toMatchObject({ online: true });
    expect(chairRow.firstJoinedAt).toBe(firstJoinedAt);
    again.close();
    await eventually(() => expect(loaded()).toBe(false), 5000);
  });
});
