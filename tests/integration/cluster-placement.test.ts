/**
 * Which server a client uses, failover and drain (issue 16, step 6), with three real servers on
 * one PostgreSQL and one Redis (tests/support/cluster-servers.ts): A in this process (it stands for
 * the one public address: the clients' HTTP calls go to it), B and C child processes. The clients
 * are the renderer's own `SignalingSession` over the renderer's `SignalingClient` (Node's `ws` as
 * the WebSocket), asking placement before every attempt exactly as in the app; their media part
 * opens a send transport and announces a microphone at every join, so "back in the room" includes
 * the others seeing its microphone again.
 *
 * - Placement spreads one meeting's joins over the servers (capacity 2 per server here).
 * - Drain A (the meeting's home) through the HTTP API: A ends with no participants, its clients
 *   are on B and C with the same identity, the home lease moved, an open vote goes on.
 * - SIGKILL B: its clients are back on C within 5 s each, with the same identity.
 * Skipped (by name) only where redis-server or PostgreSQL is not installed.
 */
import { sql } from 'kysely';
import WS from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Placement } from '../../common/api/cluster';
import type { NotificationName, Notifications, PeerInfo } from '../../common/protocol';
import { createConferenceStore, type ConferenceStore } from '../../renderer/src/features/conference/conference-store';
import { SignalingSession, type JoinAnswer, type SessionMedia, type SignalingConnection } from '../../renderer/src/features/conference/signaling-session';
import { SignalingClient } from '../../renderer/src/net/signaling-client';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { eventually } from '../support/collab-client';
import { clusterEnginesAvailable, TestCluster } from '../support/cluster-servers';
import type { ServerProcess } from '../support/server-process';
import { startTestServer } from '../support/test-server';

const hasEngines = clusterEnginesAvailable();
const LEASE_TTL_MS = 1500;
const METRICS_TOKEN = 'placement-test-metrics-token-01';
const audio = (ssrc: number) => ({ codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, rtcpFeedback: [] }], headerExtensions: [], encodings: [{ ssrc }], rtcp: { cname: `p${ssrc}` } });

/** The renderer's SignalingClient runs on Node's `ws`, with the caller's token (a browser sends its cookie). */
let nextToken = '';
class TokenWebSocket extends WS {
  constructor(url: string) {
    super(url, { headers: { authorization: `Bearer ${nextToken}` } });
  }
}
(globalThis as { WebSocket?: unknown }).WebSocket = TokenWebSocket;

/**
 * The media part of a session: a send transport and a microphone at every join (no RTP flows),
 * and the roster as this client knows it (the join's answer, then peerJoined/peerUpdated/peerLeft).
 */
class AnnouncingMedia implements SessionMedia {
  readonly roster = new Map<string, PeerInfo>();
  constructor(readonly ssrc: number) {}
  async prepare(joined: JoinAnswer): Promise<void> {
    this.roster.clear();
    for (const p of joined.peers) this.roster.set(p.id, p);
  }
  async setUp(connection: SignalingConnection): Promise<void> {
    const t = await connection.request('createWebRtcTransport', { direction: 'send' });
    await connection.request('produce', { transportId: t.id, kind: 'audio', source: 'mic', rtpParameters: audio(this.ssrc) as never });
  }
  joined(): void {}
  async handle(name: NotificationName, data: Notifications[NotificationName]): Promise<void> {
    if (name === 'peerJoined' || name === 'peerUpdated') {
      const { peer } = data as Notifications['peerJoined'];
      this.roster.set(peer.id, peer);
    } else if (name === 'peerLeft') this.roster.delete((data as Notifications['peerLeft']).peerId);
  }
  tearDown(): void {
    this.roster.clear();
  }
}

interface Client {
  who: Person;
  store: ConferenceStore;
  media: AnnouncingMedia;
  session: SignalingSession;
  /** Where the session is connected now (the server id of its last placement). */
  servers: string[];
}

describe.skipIf(!hasEngines)('placement, failover and drain over three servers (needs redis-server and PostgreSQL)', () => {
  let cluster: TestCluster;
  let a: RunningServer;
  let b: ServerProcess;
  let c: ServerProcess;
  const clients: Client[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start({ authSecret: 'placement-test-secret-'.padEnd(48, 'x'), leaseTtlMs: LEASE_TTL_MS, env: { METRICS_TOKEN, CLUSTER_SERVER_CAPACITY: '2' } });
    a = await cluster.inProcess('server-a');
    b = await cluster.process('server-b', { HEARTBEAT_SECONDS: '5' });
    c = await cluster.process('server-c', { HEARTBEAT_SECONDS: '5' });
  }, 240_000);

  afterAll(async () => {
    for (const x of clients) await x.session.leave().catch(() => undefined);
    await cluster?.stop();
  });

  const urlOf = (id: string) => ({ 'server-a': a.url, 'server-b': b.url, 'server-c': c.url })[id]!;

  async function scrape(id: string, series: string): Promise<number | undefined> {
    const res = await fetch(`${urlOf(id)}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const line = (await res.text()).split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  }

  function client(who: Person, ssrc: number): Client {
    const store = createConferenceStore();
    const servers: string[] = [];
    const media = new AnnouncingMedia(ssrc);
    const session = new SignalingSession(store, media, {
      connect: (server, placedUrl) => {
        nextToken = who.token;
        return new SignalingClient(placedUrl ?? `${server.replace(/^http/, 'ws')}/ws`);
      },
      refreshAuth: async () => undefined,
      // As the app does (conference-engine.ts), through the one address (A here).
      place: async (_server, meetingId, avoid) => {
        const res = await fetch(`${a.url}/api/meetings/${meetingId}/placement${avoid ? `?avoid=${avoid}` : ''}`, { headers: { authorization: `Bearer ${who.token}` } });
        if (res.status !== 200) throw new Error(`placement: ${res.status}`);
        const p = Placement.parse(await res.json());
        servers.push(p.serverId ?? 'none');
        return p;
      },
    });
    const x = { who, store, media, session, servers };
    clients.push(x);
    return x;
  }

  /** The meeting's participants per server, as the servers' heartbeats say (cluster_servers). */
  async function carried(meetingId: string): Promise<Record<string, number>> {
    const rows = (await sql<{ id: string; meetings: Record<string, number> }>`SELECT id, meetings FROM cluster_servers`.execute(a.store.db)).rows;
    return Object.fromEntries(rows.map((r) => [r.id, r.meetings[meetingId] ?? 0]));
  }

  /** Whether `viewer` has `x` in its roster with a microphone. */
  const seenWithMic = (viewer: Client, x: Client) => [...viewer.media.roster.values()].some((p) => p.accountId === x.who.id && p.producers.some((pr) => pr.kind === 'audio'));

  it('placement answers only those who may join; one server answers "here"', { timeout: 120_000 }, async () => {
    const admin = await TestApi.admin(a.url);
    const d = await person(admin, 'delegate', 'Đại biểu Sơn La');
    const outsider = await person(admin, 'delegate', 'Người ngoài');
    const m = await liveMeeting(admin, [d], 'Họp kiểm tra quyền');
    const ask = (token: string | null, q = '') => fetch(`${a.url}/api/meetings/${m.id}/placement${q}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await ask(null)).status).toBe(401);
    expect((await ask(outsider.token)).status).toBe(403);
    expect((await ask(d.token, '?avoid=bad%20name')).status).toBe(400);
    const p = Placement.parse(await (await ask(d.token)).json());
    expect(['server-a', 'server-b', 'server-c']).toContain(p.serverId);
    expect(p.signalingUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    // Drain: admins only, refused before the body is read.
    const drain = (token: string | null, body: string) => fetch(`${a.url}/api/cluster/servers/server-c/drain`, { method: 'PUT', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
    expect((await drain(null, JSON.stringify({ draining: true }))).status).toBe(401);
    expect((await drain(d.token, JSON.stringify({ draining: true }))).status).toBe(403);
    expect((await drain(admin.token, JSON.stringify({ draining: 'yes' }))).status).toBe(400);
    expect((await fetch(`${a.url}/api/cluster/servers/nobody/drain`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` }, body: JSON.stringify({ draining: true }) })).status).toBe(404);

    // One server (no REDIS_URL, SQLite): "here", the client connects where it always did; no cluster routes.
    const one = await startTestServer();
    try {
      const admin1 = await TestApi.admin(one.url);
      const d1 = await person(admin1, 'delegate', 'Đại biểu một máy chủ');
      const m1 = await liveMeeting(admin1, [d1]);
      const r = await fetch(`${one.url}/api/meetings/${m1.id}/placement`, { headers: { authorization: `Bearer ${d1.token}` } });
      expect(await r.json()).toEqual({ serverId: null, signalingUrl: null, reason: null });
      expect((await admin1.call('GET', '/api/cluster/servers')).status).toBe(404);
    } finally {
      await one.close();
    }
  });

  it('spreads a meeting over the servers; drain moves everyone off A (the home) with the vote going on; SIGKILL of B: its clients are back on C within 5 s', { timeout: 180_000 }, async () => {
    const admin = await TestApi.admin(a.url);
    const delegates: Person[] = [];
    for (let i = 0; i < 4; i++) delegates.push(await person(admin, 'delegate', `Đại biểu ${i + 1}`));
    const m = await liveMeeting(admin, delegates, 'Hội nghị trực tuyến ba máy chủ');
    const people = [m.chair, m.secretary, ...delegates];
    const all: Client[] = [];
    // --- placement spreads the joins: two per server (CLUSTER_SERVER_CAPACITY=2), the meeting's
    // affinity first, then the least loaded.
    for (const [i, p] of people.entries()) {
      const x = client(p, 1000 + i);
      await x.session.join(a.url, m.id);
      all.push(x);
      // The next join once the servers' heartbeats count this one (joins at the pace of the heartbeat).
      await eventually(async () => expect(Object.values(await carried(m.id)).reduce((n, k) => n + k, 0)).toBe(i + 1));
    }
    const placedOn = all.map((x) => x.servers.at(-1));
    expect(placedOn).toEqual(['server-a', 'server-a', 'server-b', 'server-b', 'server-c', 'server-c']);
    // Everyone sees the five others with their microphones, whichever server carries them.
    for (const x of all) await eventually(() => expect(all.filter((y) => y !== x && seenWithMic(x, y))).toHaveLength(5), 20_000);
    await eventually(async () => expect(await carried(m.id)).toEqual({ 'server-a': 2, 'server-b': 2, 'server-c': 2 }));
    const chair = all[0]!;
    const vote = await chair.session.request('vote.create', { question: 'Thông qua nghị quyết liên tỉnh?', durationSeconds: null });
    await chair.session.request('vote.open', { voteId: vote.vote.id });
    // A is the meeting's home (its participants came first).
    expect(await scrape('server-a', 'phonghop_cluster_leases_held{kind="meeting"}')).toBe(1);

    // --- drain A (through A's own API: it acts at once).
    const drained = await admin.ok('PUT', '/api/cluster/servers/server-a/drain', { draining: true });
    expect(drained).toMatchObject({ id: 'server-a', draining: true });
    await eventually(async () => {
      expect(a.rooms.find(m.id)?.peers.size ?? 0).toBe(0);
      for (const x of all.slice(0, 2)) {
        expect(['server-b', 'server-c']).toContain(x.servers.at(-1));
        expect(x.store.getState().status).toBe('joined');
      }
    }, 15_000);
    expect(await scrape('server-a', 'phonghop_cluster_draining')).toBe(1);
    expect(await scrape('server-a', 'phonghop_cluster_drain_moved_total')).toBeGreaterThanOrEqual(2);
    expect(await scrape('server-a', 'phonghop_cluster_leases_held{kind="meeting"}')).toBe(0);
    // The meeting went on: the home moved, the moved ones are seen again (same account), the vote is open and counts.
    await eventually(async () => {
      const row = (await sql<{ owner: string; live: boolean }>`SELECT owner, expires_at > clock_timestamp() AS live FROM cluster_leases WHERE name = ${`meeting:${m.id}`}`.execute(a.store.db)).rows[0]!;
      expect(row.live).toBe(true);
      expect(row.owner.startsWith('server-a')).toBe(false);
    }, 10_000);
    for (const x of all) await eventually(() => expect(all.filter((y) => y !== x && seenWithMic(x, y))).toHaveLength(5), 20_000);
    await chair.session.request('vote.cast', { voteId: vote.vote.id, choices: ['tan-thanh'] });
    await all[2]!.session.request('vote.cast', { voteId: vote.vote.id, choices: ['tan-thanh'] });
    const state = await all[4]!.session.request('vote.state', {});
    expect(state.votes.find((v) => v.vote.id === vote.vote.id)?.vote.status).toBe('open');
    // Placement no longer chooses A; /api/cluster/servers says so; the drain is in the audit log.
    const servers = await admin.ok<{ id: string; draining: boolean; alive: boolean; participants: number }[]>('GET', '/api/cluster/servers');
    expect(servers.find((s) => s.id === 'server-a')).toMatchObject({ draining: true, alive: true });
    expect((await admin.ok<{ action: string; targetId: string }[]>('GET', '/api/audit?targetType=server')).map((e) => [e.action, e.targetId])).toContainEqual(['cluster.drain', 'server-a']);

    // --- SIGKILL B: its clients come back on C by themselves, with the same identity.
    const onB = all.filter((x) => x.servers.at(-1) === 'server-b');
    expect(onB.length).toBeGreaterThan(0);
    const selfBefore = onB.map((x) => x.store.getState().self?.accountId);
    const killedAt = Date.now();
    const back: number[] = [];
    const waits = onB.map(async (x) => {
      await eventually(() => {
        expect(x.store.getState().status).toBe('joined');
        expect(x.servers.at(-1)).toBe('server-c');
      }, 15_000);
      back.push(Date.now() - killedAt);
    });
    await b.kill9();
    await Promise.all(waits);
    console.log(`failover after SIGKILL: ${onB.length} clients back on C after ${back.map((t) => `${t} ms`).join(', ')} (lease TTL ${LEASE_TTL_MS} ms)`);
    for (const t of back) expect(t).toBeLessThan(5000);
    expect(onB.map((x) => x.store.getState().self?.accountId)).toEqual(selfBefore);
    // Everyone (all on C now) sees the five others with their microphones again.
    for (const x of all) await eventually(() => expect(all.filter((y) => y !== x && seenWithMic(x, y))).toHaveLength(5), 20_000);
    const after = await all[3]!.session.request('vote.state', {});
    expect(after.votes.find((v) => v.vote.id === vote.vote.id)?.vote.status).toBe('open');
    expect(after.votes.find((v) => v.vote.id === vote.vote.id)?.vote.castCount).toBe(2);
    expect(await carried(m.id)).toMatchObject({ 'server-a': 0 });
  });
});
