/**
 * Bad input at the signaling edge, against a real server: every malformed, unknown, oversized or
 * foreign request gets an error response, changes nothing, and the server keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

let server: RunningServer;
let admin: TestApi;
let outsider: Person;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestApi.admin(server.url);
  outsider = await person(admin, 'delegate', 'Người ngoài');
});
afterAll(async () => {
  await server?.close();
});

function errorOf(frame: unknown): { code: string; message: string } {
  const f = frame as { ok?: boolean; error?: { code: string; message: string } };
  expect(f.ok).toBe(false);
  return f.error!;
}

/** A live meeting with `n` invited delegates, each connected and joined. */
async function joinedMeeting(n: number) {
  const people: Person[] = [];
  for (let i = 0; i < n; i++) people.push(await person(admin, 'delegate', `Đại biểu ${i + 1}`));
  const meeting = await liveMeeting(admin, people);
  const clients: TestSignalingClient[] = [];
  for (const p of people) {
    const c = await TestSignalingClient.connect(server.url, p.token);
    await c.request('join', { meetingId: meeting.id });
    clients.push(c);
  }
  return { meeting, people, clients };
}

const connect = () => TestSignalingClient.connect(server.url, outsider.token);

describe('signaling bad input', () => {
  it('refuses an upgrade without a valid session with HTTP 401', async () => {
    await expect(TestSignalingClient.connect(server.url, 'not-a-token')).rejects.toThrow(/401/);
  });

  it('refuses to join a meeting one is not invited to, or that is not live', async () => {
    const { meeting } = await joinedMeeting(1);
    const c = await connect();
    expect(errorOf(await c.requestFrame('join', { meetingId: meeting.id })).code).toBe('not_invited');
    await meeting.secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'ended' });
    const chair = await TestSignalingClient.connect(server.url, meeting.chair.token);
    expect(errorOf(await chair.requestFrame('join', { meetingId: meeting.id })).code).toBe('meeting_not_live');
    c.close();
    chair.close();
  });

  it('answers malformed JSON with bad_json', async () => {
    const c = await connect();
    expect(errorOf(await c.raw('{not json')).code).toBe('bad_json');
    expect(errorOf(await c.raw('[1,2,3]')).code).toBe('bad_request');
    expect(errorOf(await c.raw(JSON.stringify({ id: 'x', method: 'join' }))).code).toBe('bad_request');
    expect(errorOf(await c.raw(JSON.stringify({ id: 1, method: 'join', data: {}, extra: true }))).code).toBe('bad_request');
    c.close();
  });

  it('answers unknown methods with unknown_method, keeping the request id', async () => {
    const c = await connect();
    const frame = await c.requestFrame('dropDatabase', {});
    expect(errorOf(frame).code).toBe('unknown_method');
    expect((frame as { id: number }).id).toBe(1);
    expect(errorOf(await c.requestFrame('__proto__', {})).code).toBe('unknown_method');
    expect(errorOf(await c.requestFrame('toString', {})).code).toBe('unknown_method');
    c.close();
  });

  it('validates request data with the schema', async () => {
    const c = await connect();
    expect(errorOf(await c.requestFrame('join', { meetingId: 'not-a-uuid' })).code).toBe('bad_request');
    expect(errorOf(await c.requestFrame('join', { meetingId: 42 })).code).toBe('bad_request');
    expect(errorOf(await c.requestFrame('join', {})).code).toBe('bad_request');
    expect(errorOf(await c.requestFrame('join', { meetingId: crypto.randomUUID(), displayName: 'Giả danh' })).code).toBe('bad_request');
    expect(errorOf(await c.requestFrame('join', { meetingId: crypto.randomUUID() })).code).toBe('not_found');
    expect(errorOf(await c.requestFrame('createWebRtcTransport', { direction: 'sideways' })).code).toBe('bad_request');
    c.close();
  });

  it('refuses out-of-order requests before join', async () => {
    const c = await connect();
    expect(errorOf(await c.requestFrame('createWebRtcTransport', { direction: 'send' })).code).toBe('not_joined');
    expect(errorOf(await c.requestFrame('leave', {})).code).toBe('not_joined');
    c.close();
  });

  it('refuses a second join and a ready without a receiving transport', async () => {
    const { meeting, clients } = await joinedMeeting(1);
    const c = clients[0]!;
    expect(errorOf(await c.requestFrame('join', { meetingId: meeting.id })).code).toBe('already_joined');
    expect(errorOf(await c.requestFrame('ready', { rtpCapabilities: { codecs: [] } })).code).toBe('bad_request');
    c.close();
  });

  it('answers oversized frames with too_large, and closes the socket for huge ones', async () => {
    const c = await connect();
    const big = JSON.stringify({ id: 1, method: 'join', data: { room: 'r', displayName: 'x'.repeat(100_000), pointName: '' } });
    expect(errorOf(await c.raw(big)).code).toBe('too_large');
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    c.ws.send(Buffer.alloc(2 * 1024 * 1024, 0x20).toString());
    expect(await closed).toBe(1009);
  });

  it('refuses transports, producers and consumers that belong to someone else', async () => {
    const { clients } = await joinedMeeting(2);
    const [a, b] = clients as [TestSignalingClient, TestSignalingClient];
    const aTransport = await a.request('createWebRtcTransport', { direction: 'send' });
    const fakeDtls = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AA:'.repeat(31) + 'AA' }] };
    expect(errorOf(await b.requestFrame('connectWebRtcTransport', { transportId: aTransport.id, dtlsParameters: fakeDtls })).code).toBe('not_found');
    expect(errorOf(await b.requestFrame('restartIce', { transportId: aTransport.id })).code).toBe('not_found');
    expect(
      errorOf(
        await b.requestFrame('produce', {
          transportId: aTransport.id,
          kind: 'audio',
          source: 'mic',
          rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }] },
        }),
      ).code,
    ).toBe('not_found');
    expect(errorOf(await b.requestFrame('pauseProducer', { producerId: 'not-mine' })).code).toBe('not_found');
    expect(errorOf(await b.requestFrame('resumeConsumer', { consumerId: 'not-mine' })).code).toBe('not_found');
    // A's transport is untouched and still usable by A.
    await a.request('restartIce', { transportId: aTransport.id });
    a.close();
    b.close();
  });

  it('rejects semantically wrong media parameters as bad_request', async () => {
    const a = (await joinedMeeting(1)).clients[0]!;
    const t = await a.request('createWebRtcTransport', { direction: 'send' });
    const frame = await a.requestFrame('produce', {
      transportId: t.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: { codecs: [{ mimeType: 'audio/nonexistent', payloadType: 100, clockRate: 48000 }], encodings: [{ ssrc: 1 }] },
    });
    expect(errorOf(frame).code).toBe('bad_request');
    a.close();
  });

  it('closes everything of a client that disconnects', async () => {
    const { meeting, clients } = await joinedMeeting(2);
    const [a, observer] = clients as [TestSignalingClient, TestSignalingClient];
    await a.request('createWebRtcTransport', { direction: 'send' });
    await a.request('createWebRtcTransport', { direction: 'recv' });
    const room = await server.rooms.get(meeting.id);
    const dumpBefore = await room.router.dump();
    expect(dumpBefore.transportIds.length).toBe(2);
    a.close();
    await observer.notification('peerLeft');
    const dumpAfter = await room.router.dump();
    expect(dumpAfter.transportIds.length).toBe(0);
    observer.close();
  });

  it('drops a client that stops answering heartbeats', async () => {
    const [a, b] = (await joinedMeeting(2)).clients as [TestSignalingClient, TestSignalingClient];
    // Stop reading A's socket: its pongs stop, as when a cable is cut or the app is killed.
    (a.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const left = await b.notification('peerLeft');
    expect(typeof left.peerId).toBe('string');
    b.close();
  });

  it('keeps serving after all of the above', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; workers: { alive: number } };
    expect(body.status).toBe('ok');
    expect(body.workers.alive).toBe(1);
    const { clients } = await joinedMeeting(1);
    clients[0]!.close();
  });
});
