/**
 * The floor and moderation through real signaling: the audio gate holds on the server (a host-muted
 * or floor-less client's resumeProducer is refused and its producer stays paused), the floor moves
 * the microphones, removal and lock refuse joins, and the state survives a server restart.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

// Real media workers and several clients per scenario: room for a busy machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let server: RunningServer & { dataDir: string };
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const opus = (ssrc: number) => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
  encodings: [{ ssrc }],
  headerExtensions: [],
  rtcp: { cname: `c${ssrc}` },
});

let ssrc = 1000;
/** Joins and starts a microphone (not sending packets: the producer's state is what matters here). */
async function joinWithMic(url: string, who: Person, meetingId: string) {
  const client = await TestSignalingClient.connect(url, who.token);
  const joined = await client.request('join', { meetingId });
  const t = await client.request('createWebRtcTransport', { direction: 'send' });
  const { id: micId } = await client.request('produce', { transportId: t.id, kind: 'audio', source: 'mic', rtpParameters: opus(++ssrc) });
  return { client, peerId: joined.peerId, micId, account: who };
}

function micPaused(s: RunningServer, meetingId: string, peerId: string, micId: string): boolean {
  return s.rooms.find(meetingId)!.peers.get(peerId)!.producer(micId).paused;
}

const errorCode = (frame: unknown) => (frame as { ok: boolean; error?: { code: string } }).error?.code;

describe('floor and moderation', () => {
  it('a host-muted client cannot resume its microphone: forbidden, and the producer stays paused', async () => {
    const admin = await TestApi.admin(server.url);
    const a = await person(admin, 'operator', 'Điểm cầu Tân Phú');
    const b = await person(admin, 'operator', 'Điểm cầu Tân Hòa');
    const m = await liveMeeting(admin, [a, b]);
    const chair = await TestSignalingClient.connect(server.url, m.chair.token);
    await chair.request('join', { meetingId: m.id });
    const pa = await joinWithMic(server.url, a, m.id);
    const pb = await joinWithMic(server.url, b, m.id);
    expect(micPaused(server, m.id, pa.peerId, pa.micId)).toBe(false);

    await chair.request('moderation.mute', { accountId: a.id });
    await pa.client.notification('micForced', (d) => d.muted === true);
    expect(micPaused(server, m.id, pa.peerId, pa.micId)).toBe(true);
    const state = await chair.notification('floor.changed', (d) => d.hostMuted.includes(a.id));
    expect(state.hostMuted).toEqual([a.id]);

    // The client tries to unmute by itself: refused, nothing changes on the server.
    const refused = await pa.client.requestFrame('resumeProducer', { producerId: pa.micId });
    expect(errorCode(refused)).toBe('forbidden');
    expect(micPaused(server, m.id, pa.peerId, pa.micId)).toBe(true);
    // Closing and producing the microphone again does not get around it: it starts paused.
    await pa.client.request('closeProducer', { producerId: pa.micId });
    const t2 = await pa.client.request('createWebRtcTransport', { direction: 'send' });
    const again = await pa.client.request('produce', { transportId: t2.id, kind: 'audio', source: 'mic', rtpParameters: opus(++ssrc) });
    expect(micPaused(server, m.id, pa.peerId, again.id)).toBe(true);
    // B was not touched.
    expect(micPaused(server, m.id, pb.peerId, pb.micId)).toBe(false);

    // The host asks A to unmute: A gets the prompt and may now resume.
    await chair.request('moderation.askUnmute', { accountId: a.id });
    expect(await pa.client.notification('moderation.unmuteAsked')).toMatchObject({ by: 'Chủ tọa Nguyễn Văn Chủ' });
    await pa.client.request('resumeProducer', { producerId: again.id });
    expect(micPaused(server, m.id, pa.peerId, again.id)).toBe(false);

    // Mute all: both points, not the chair.
    expect(await chair.request('moderation.muteAll', {})).toEqual({ muted: 2 });
    await pb.client.notification('micForced', (d) => d.muted === true);
    expect(micPaused(server, m.id, pb.peerId, pb.micId)).toBe(true);
    expect(errorCode(await pb.client.requestFrame('resumeProducer', { producerId: pb.micId }))).toBe('forbidden');
    for (const c of [chair, pa.client, pb.client]) c.close();
  });

  it('controlled mode: only the chair, the host point and the floor holder send audio; the floor moves the microphones', async () => {
    const admin = await TestApi.admin(server.url);
    const host = await person(admin, 'operator', 'Điểm cầu tỉnh');
    const a = await person(admin, 'operator', 'Điểm cầu huyện A');
    const b = await person(admin, 'operator', 'Điểm cầu huyện B');
    const m = await liveMeeting(admin, [host, a, b]);
    const chair = await TestSignalingClient.connect(server.url, m.chair.token);
    await chair.request('join', { meetingId: m.id });
    const ph = await joinWithMic(server.url, host, m.id);
    const pa = await joinWithMic(server.url, a, m.id);
    const pb = await joinWithMic(server.url, b, m.id);

    await chair.request('floor.settings', { controlled: true, hostAccountId: host.id, limitSeconds: 120, warningSeconds: 20 });
    await pa.client.notification('micForced', (d) => d.muted === true);
    await pb.client.notification('micForced', (d) => d.muted === true);
    expect(micPaused(server, m.id, pa.peerId, pa.micId)).toBe(true);
    expect(micPaused(server, m.id, pb.peerId, pb.micId)).toBe(true);
    expect(micPaused(server, m.id, ph.peerId, ph.micId)).toBe(false);
    const settings = await chair.request('floor.state', {});
    expect(settings).toMatchObject({ controlled: true, limitSeconds: 120, warningSeconds: 20, hostPointName: 'Phòng họp Điểm cầu tỉnh', holder: null });

    // A asks to speak, then B; the queue is in order.
    await pa.client.request('floor.request', { topic: 'Báo cáo tiến độ giải ngân' });
    await pb.client.request('floor.request', {});
    expect(errorCode(await pa.client.requestFrame('floor.request', {}))).toBe('conflict');
    let st = await chair.request('floor.state', {});
    expect(st.queue.map((r) => r.accountId)).toEqual([a.id, b.id]);
    expect(st.queue[0]).toMatchObject({ topic: 'Báo cáo tiến độ giải ngân', pointName: 'Phòng họp Điểm cầu huyện A' });
    expect(errorCode(await pa.client.requestFrame('resumeProducer', { producerId: pa.micId }))).toBe('forbidden');

    // The chair gives A the floor: A's microphone is resumed by the server, the timer starts.
    await chair.request('floor.give', { accountId: a.id });
    await pa.client.notification('micForced', (d) => d.muted === false);
    expect(micPaused(server, m.id, pa.peerId, pa.micId)).toBe(false);
    st = await pb.client.request('floor.state', {});
    expect(st.holder).toMatchObject({ accountId: a.id, topic: 'Báo cáo tiến độ giải ngân' });
    expect(Date.now() - Date.parse(st.holder!.startedAt)).toBeLessThan(10_000);
    expect(st.queue.map((r) => r.accountId)).toEqual([b.id]);
    // B still cannot.
    expect(errorCode(await pb.client.requestFrame('resumeProducer', { producerId: pb.micId }))).toBe('forbidden');
    expect(micPaused(server, m.id, pb.peerId, pb.micId)).toBe(true);

    // B withdraws; the chair takes the floor back: A is muted again and cannot unmute.
    await pb.client.request('floor.withdraw', {});
    expect(errorCode(await pb.client.requestFrame('floor.withdraw', {}))).toBe('not_found');
    await chair.request('floor.take', {});
    await pa.client.notification('micForced', (d) => d.muted === true && true);
    expect(micPaused(server, m.id, pa.peerId, pa.micId)).toBe(true);
    expect(errorCode(await pa.client.requestFrame('resumeProducer', { producerId: pa.micId }))).toBe('forbidden');
    expect(errorCode(await chair.requestFrame('floor.take', {}))).toBe('conflict');
    st = await chair.request('floor.state', {});
    expect(st).toMatchObject({ holder: null, queue: [] });

    // Controlled mode off: points may unmute themselves again.
    await chair.request('floor.settings', { controlled: false });
    await pb.client.request('resumeProducer', { producerId: pb.micId });
    expect(micPaused(server, m.id, pb.peerId, pb.micId)).toBe(false);
    // Bad settings are refused and change nothing.
    expect(errorCode(await chair.requestFrame('floor.settings', { limitSeconds: 30, warningSeconds: 60 }))).toBe('bad_request');
    expect(errorCode(await chair.requestFrame('floor.settings', { hostAccountId: m.secretary.id }))).toBe('bad_request');
    expect(await chair.request('floor.state', {})).toMatchObject({ limitSeconds: 120, warningSeconds: 20 });
    for (const c of [chair, ph.client, pa.client, pb.client]) c.close();
  });

  it('removal ends the presence with 4005 and refuses the rejoin until re-admitted; a lock refuses newcomers only', async () => {
    const admin = await TestApi.admin(server.url);
    const a = await person(admin, 'operator', 'Điểm cầu bị mời ra');
    const b = await person(admin, 'delegate', 'Đại biểu đến muộn');
    const c = await person(admin, 'delegate', 'Đại biểu có mặt');
    const m = await liveMeeting(admin, [a, b, c]);
    const chair = await TestSignalingClient.connect(server.url, m.chair.token);
    await chair.request('join', { meetingId: m.id });
    const pa = await TestSignalingClient.connect(server.url, a.token);
    await pa.request('join', { meetingId: m.id });
    const closed = new Promise<number>((resolve) => pa.ws.once('close', (code) => resolve(code)));
    await chair.request('moderation.remove', { accountId: a.id });
    expect(await closed).toBe(4005);
    const back = await TestSignalingClient.connect(server.url, a.token);
    expect(errorCode(await back.requestFrame('join', { meetingId: m.id }))).toBe('removed_from_meeting');
    expect((await chair.request('floor.state', {})).removed).toEqual([{ accountId: a.id, displayName: 'Điểm cầu bị mời ra' }]);
    // Organisers cannot be removed.
    expect(errorCode(await chair.requestFrame('moderation.remove', { accountId: m.secretary.id }))).toBe('forbidden');
    await chair.request('moderation.readmit', { accountId: a.id });
    await back.request('join', { meetingId: m.id });

    // C is in; the chair locks; B (new) is refused, C reconnecting and the secretary are let in.
    const pc = await TestSignalingClient.connect(server.url, c.token);
    await pc.request('join', { meetingId: m.id });
    await chair.request('moderation.lock', { locked: true });
    const pb = await TestSignalingClient.connect(server.url, b.token);
    const refused = await pb.requestFrame('join', { meetingId: m.id });
    expect(errorCode(refused)).toBe('meeting_locked');
    pc.close();
    await new Promise((r) => setTimeout(r, 200));
    const pc2 = await TestSignalingClient.connect(server.url, c.token);
    await pc2.request('join', { meetingId: m.id });
    const sec = await TestSignalingClient.connect(server.url, m.secretary.token);
    await sec.request('join', { meetingId: m.id });
    await chair.request('moderation.lock', { locked: false });
    await pb.request('join', { meetingId: m.id });
    for (const x of [chair, back, pb, pc2, sec]) x.close();
  });

  it('attendance follows joins and leaves, is pushed to organisers only, and ending the meeting closes every presence', async () => {
    const admin = await TestApi.admin(server.url);
    const a = await person(admin, 'operator', 'Điểm cầu điểm danh A');
    const b = await person(admin, 'operator', 'Điểm cầu điểm danh B');
    const d = await person(admin, 'delegate', 'Đại biểu điểm danh');
    const m = await liveMeeting(admin, [a, b, d]);
    const sec = await TestSignalingClient.connect(server.url, m.secretary.token);
    await sec.request('join', { meetingId: m.id });
    let st = await sec.request('attendance.state', {});
    // One delegate invited: the quorum counts delegates (more than half of 1 = 1).
    expect(st.quorum).toMatchObject({ basis: 'delegates', total: 1, present: 0, required: 1, met: false });
    expect(st.points.map((p) => p.online)).toEqual([false, false]);
    const pa = await TestSignalingClient.connect(server.url, a.token);
    await pa.request('join', { meetingId: m.id });
    const change = await sec.notification('attendance.changed', (c) => c.points.some((p: { online: boolean }) => p.online));
    expect(change.points).toEqual([expect.objectContaining({ name: 'Phòng họp Điểm cầu điểm danh A', online: true, headcount: 25 })]);
    const pd = await TestSignalingClient.connect(server.url, d.token);
    await pd.request('join', { meetingId: m.id });
    await sec.notification('attendance.changed', (c) => c.quorum.met === true);
    // The secretary takes the roll call of B (not connected) and switches the quorum to points.
    const bPoint = (await b.api.ok('GET', '/api/auth/me')).bridgePointId;
    await sec.request('attendance.rollCall', { bridgePointId: bPoint, presentCount: 9 });
    await sec.request('attendance.quorum', { rule: { basis: 'points', numerator: 1, denominator: 2, strict: true } });
    st = await sec.request('attendance.state', {});
    expect(st.quorum).toMatchObject({ basis: 'points', total: 2, present: 1, required: 2, met: false });
    expect(st.points.find((p) => p.bridgePointId === bPoint)).toMatchObject({ online: false, rollCall: { presentCount: 9 } });
    // Bad input is refused: a point not invited, a delegate not invited, a fraction over one.
    expect(errorCode(await sec.requestFrame('attendance.rollCall', { bridgePointId: 'nope', presentCount: 1 }))).toBe('not_found');
    expect(errorCode(await sec.requestFrame('attendance.mark', { accountId: a.id, present: true }))).toBe('not_found');
    expect(errorCode(await sec.requestFrame('attendance.quorum', { rule: { basis: 'auto', numerator: 3, denominator: 2, strict: true } }))).toBe('bad_request');
    expect(errorCode(await sec.requestFrame('attendance.rollCall', { bridgePointId: bPoint, presentCount: -1 }))).toBe('bad_request');
    // Points never receive attendance pushes.
    expect(pa.notifications.some((n) => n.name === 'attendance.changed')).toBe(false);
    // A leaves: its presence closes, the total is kept.
    pa.close();
    await sec.notification('attendance.changed', (c) => c.points.some((p: { online: boolean; lastLeftAt: string | null }) => !p.online && p.lastLeftAt));
    // The meeting ends: everyone is disconnected and every presence is closed in the store.
    await m.secretary.api.ok('POST', `/api/meetings/${m.id}/transition`, { to: 'ended' });
    await new Promise((r) => setTimeout(r, 500));
    const open = await server.store.db.selectFrom('attendance').select('account_id').where('meeting_id', '=', m.id).where('online_since', 'is not', null).execute();
    expect(open).toEqual([]);
    const { meetingAttendance } = await import('../../sfu-server/src/attendance/attendance-store');
    const report = await meetingAttendance(server.store.db, m.id);
    expect(report.delegates).toEqual([expect.objectContaining({ accountId: d.id, online: false, present: false })]);
    expect(report.delegates[0]!.firstJoinedAt).not.toBeNull();
    expect(report.others).toEqual([expect.objectContaining({ accountId: m.secretary.id, role: 'secretary', online: false })]);
  });

  it('the queue, the floor holder, host mutes, the lock and attendance survive a server restart', async () => {
    const admin = await TestApi.admin(server.url);
    const a = await person(admin, 'operator', 'Điểm cầu khởi động lại');
    const d = await person(admin, 'delegate', 'Đại biểu chờ phát biểu');
    const m = await liveMeeting(admin, [a, d]);
    const chair = await TestSignalingClient.connect(server.url, m.chair.token);
    await chair.request('join', { meetingId: m.id });
    const pa = await joinWithMic(server.url, a, m.id);
    const pd = await TestSignalingClient.connect(server.url, d.token);
    await pd.request('join', { meetingId: m.id });
    await pa.client.request('floor.request', { topic: 'Ý kiến 1' });
    await pd.request('floor.request', { topic: 'Ý kiến 2' });
    await chair.request('floor.give', { accountId: a.id });
    await chair.request('moderation.mute', { accountId: d.id });
    await chair.request('moderation.lock', { locked: true });
    await chair.request('attendance.rollCall', { bridgePointId: (await a.api.ok('GET', '/api/auth/me')).bridgePointId, presentCount: 12 });
    const before = await chair.request('floor.state', {});

    // Stop the server and start a new one on the same data.
    const dataDir = server.dataDir;
    for (const c of [chair, pa.client, pd]) c.close();
    await server.close();
    server = Object.assign(await startTestServer({ DATA_DIR: dataDir }), { dataDir });

    const chairToken = (await TestApi.login(server.url, m.chair.username, 'Mat-khau-thu-1')).token!;
    const chair2 = await TestSignalingClient.connect(server.url, chairToken);
    await chair2.request('join', { meetingId: m.id });
    const after = await chair2.request('floor.state', {});
    expect(after).toMatchObject({ locked: true, holder: before.holder, queue: before.queue, hostMuted: [d.id] });
    // The delegate comes back (the lock lets a recent participant in) and is still host-muted.
    const dToken = (await TestApi.login(server.url, d.username, 'Mat-khau-thu-1')).token!;
    const pd2 = await joinWithMic(server.url, { ...d, token: dToken }, m.id);
    expect(micPaused(server, m.id, pd2.peerId, pd2.micId)).toBe(true);
    const att = await chair2.request('attendance.state', {});
    expect(att.points[0]).toMatchObject({ online: false, rollCall: { presentCount: 12 } });
    expect(att.points[0]!.firstJoinedAt).not.toBeNull();
    expect(att.delegates[0]).toMatchObject({ accountId: d.id, online: true });
    chair2.close();
    pd2.client.close();
  });
});
