/** Meeting chat through the real server: public line, private line to the secretary, history, limits. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';
import { errorCode, joinAll } from '../support/voting';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

it('public messages reach everyone; private ones only the sender and the secretary; history on rejoin', async () => {
  const admin = await TestApi.admin(server.url);
  const a = await person(admin, 'delegate', 'Đại biểu Hoa');
  const b = await person(admin, 'operator', 'Xã Tân Lập');
  const obs = await person(admin, 'observer', 'Quan sát viên');
  const m = await liveMeeting(admin, [a, b, obs]);
  const [sec, ca, cb, co] = await joinAll(server.url, m.id, [m.secretary, a, b, obs]);
  const hello = await ca!.request('chat.send', { to: 'all', body: '  Xin chào mọi người  ' });
  expect(hello).toMatchObject({ thread: 'all', senderName: 'Đại biểu Hoa', body: 'Xin chào mọi người' });
  for (const c of [sec!, cb!, co!]) expect(await c.notification('chatMessage', (d) => d.id === hello.id)).toMatchObject({ body: 'Xin chào mọi người' });

  const priv = await cb!.request('chat.send', { to: 'secretary', body: 'Điểm cầu Tân Lập có 20 người dự.' });
  expect(priv).toMatchObject({ thread: b.id, pointName: 'Phòng họp Xã Tân Lập' });
  expect(await sec!.notification('chatMessage', (d) => d.id === priv.id)).toBeTruthy();
  const reply = await sec!.request('chat.send', { to: b.id, body: 'Đã ghi nhận.' });
  expect(await cb!.notification('chatMessage', (d) => d.id === reply.id)).toMatchObject({ thread: b.id, senderId: m.secretary.id });
  await new Promise((r) => setTimeout(r, 300));
  for (const c of [ca!, co!]) expect(c.notifications.some((n) => n.name === 'chatMessage' && [priv.id, reply.id].includes((n.data as { id: string }).id))).toBe(false);
  // The secretary cannot write to itself as "secretary", and others cannot write into b's thread.
  expect(await errorCode(sec!, 'chat.send', { to: 'secretary', body: 'x' })).toBe('bad_request');
  expect(await errorCode(ca!, 'chat.send', { to: b.id, body: 'x' })).toBe('forbidden');
  expect(await errorCode(co!, 'chat.send', { to: 'all', body: 'x' })).toBe('forbidden');

  // History: each gets the public line and only their own private thread; the secretary all threads.
  ca!.close();
  const again = await TestSignalingClient.connect(server.url, a.token);
  await again.request('join', { meetingId: m.id });
  const ha = await again.request('chat.history', {});
  expect(ha.messages.map((x) => x.id)).toEqual([hello.id]);
  expect(ha).toMatchObject({ canPost: true, secretaryId: m.secretary.id, secretaryName: 'Thư ký Trần Thị Thư' });
  expect((await cb!.request('chat.history', {})).messages.map((x) => x.id)).toEqual([hello.id, priv.id, reply.id]);
  expect((await sec!.request('chat.history', {})).messages.map((x) => x.id)).toEqual([hello.id, priv.id, reply.id]);
  const ho = await co!.request('chat.history', {});
  expect(ho).toMatchObject({ canPost: false });
  expect(ho.messages.map((x) => x.id)).toEqual([hello.id]);
  for (const c of [sec!, again, cb!, co!]) c.close();
}, 120_000);

it('limits the rate of messages per account', async () => {
  const admin = await TestApi.admin(server.url);
  const a = await person(admin, 'delegate', 'Người gửi nhanh');
  const m = await liveMeeting(admin, [a]);
  const [c] = await joinAll(server.url, m.id, [a]);
  for (let i = 0; i < 5; i++) await c!.request('chat.send', { to: 'all', body: `Tin ${i + 1}` });
  expect(await errorCode(c!, 'chat.send', { to: 'all', body: 'Tin 6' })).toBe('rate_limited');
  expect((await c!.request('chat.history', {})).messages).toHaveLength(5);
  c!.close();
}, 60_000);
