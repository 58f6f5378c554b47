/**
 * Two servers carry one meeting's signaling (issue 16, wiring steps 1–3): server A runs in this
 * process, server B as a child process (so it can be SIGKILLed), both on one PostgreSQL and one
 * Redis started here (tests/support/postgres.ts, redis.ts: Debian's packages). Participants on A
 * and on B see each other in the roster, chat, vote (ballots cast on B count and B sees the
 * progress and the result of a vote opened and closed on A), and follow the floor and moderation
 * changed on either server; when B is SIGKILLed its participants leave A's roster once B's
 * liveness lease lapses. Media between servers (PipeTransports, wiring step 5) is not part of it.
 * Skipped (by name) only where redis-server or PostgreSQL is not installed (`scripts/setup.sh --test`).
 */
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { eventually, stockClient, synced } from '../support/collab-client';
import { clusterEnginesAvailable, TestCluster } from '../support/cluster-servers';
import type { TestRedis } from '../support/redis';
import type { ServerProcess } from '../support/server-process';
import { TestSignalingClient } from '../support/signaling-test-client';

const hasEngines = clusterEnginesAvailable();
/** B's liveness lease: short, so the test sees a dead server dropped quickly. */
const LEASE_TTL_MS = 1500;
const METRICS_TOKEN = 'cluster-test-metrics-token-0123';

/** The Prometheus text of a server's /metrics (scraper's token). */
async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

/** One series' value in a Prometheus text (labels matched exactly), undefined if absent. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if ((m[2] ?? '').split(',').filter(Boolean).sort().join(',') === want) return Number(m[3]);
  }
  return undefined;
}

interface Member {
  person: Person;
  client: TestSignalingClient;
  /** The peer ids this member has in its roster now: the join answer, then peerJoined / peerLeft. */
  roster(): Map<string, string>;
}

async function join(url: string, meetingId: string, p: Person): Promise<Member> {
  const client = await TestSignalingClient.connect(url, p.token);
  const answer = await client.request('join', { meetingId });
  const initial = answer.peers.map((x) => [x.id, x.accountId] as const);
  const seen = client.notifications.length;
  return {
    person: p,
    client,
    roster() {
      const r = new Map<string, string>(initial);
      for (const n of client.notifications.slice(seen)) {
        if (n.name === 'peerJoined') {
          const peer = (n.data as { peer: { id: string; accountId: string } }).peer;
          r.set(peer.id, peer.accountId);
        } else if (n.name === 'peerLeft') r.delete((n.data as { peerId: string }).peerId);
      }
      return r;
    },
  };
}

const accounts = (m: Member) => [...new Set(m.roster().values())].sort();

type PointsPush = { counts: { connected: number }; points: { connected: boolean; peerId: string | null }[] };
/** The first `pointsStatus` push to this member after its `seen` first notifications that matches. */
function pushedAfter(m: Member, seen: number, match: (d: PointsPush) => boolean, timeoutMs?: number): Promise<PointsPush> {
  return m.client.waitFor(() => m.client.notifications.slice(seen).find((n) => n.name === 'pointsStatus' && match(n.data as PointsPush))?.data as PointsPush | undefined, timeoutMs);
}

describe.skipIf(!hasEngines)('two servers carry one meeting (needs redis-server and PostgreSQL)', () => {
  let cluster: TestCluster;
  let redis: TestRedis;
  let a: RunningServer;
  let b: ServerProcess;

  beforeAll(async () => {
    cluster = await TestCluster.start({ authSecret: 'cluster-test-secret-'.padEnd(48, 'x'), leaseTtlMs: LEASE_TTL_MS, env: { METRICS_TOKEN } });
    redis = cluster.redis;
    // A first: it makes the schema; B then finds it.
    a = await cluster.inProcess('server-a');
    b = await cluster.process('server-b', { HEARTBEAT_SECONDS: '5' });
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('roster, chat, a shared document, votes, the floor and the meeting’s end across the two servers; SIGKILL of B drops its participants from A', async () => {
    const admin = await TestApi.admin(a.url);
    const hn = await person(admin, 'delegate', 'Đại biểu Hà Nội');
    const cb = await person(admin, 'delegate', 'Đại biểu Cao Bằng');
    // A bridge point, invited; it joins through B later (the chair's points panel on A follows it).
    const pt = await person(admin, 'operator', 'Điểm cầu Bảo Lạc');
    const m = await liveMeeting(admin, [hn, cb, pt]);
    // The chair and a delegate on A; the secretary and another delegate on B.
    const chairA = await join(a.url, m.id, m.chair);
    const hnA = await join(a.url, m.id, hn);
    const secB = await join(b.url, m.id, m.secretary);
    const cbB = await join(b.url, m.id, cb);
    const everyone = [m.chair.id, m.secretary.id, hn.id, cb.id];
    const others = (me: Member) => everyone.filter((id) => id !== me.person.id).sort();

    // --- roster: everyone sees the three others, whichever server carries them.
    for (const x of [chairA, hnA, secB, cbB]) await x.client.waitFor(() => (JSON.stringify(accounts(x)) === JSON.stringify(others(x)) ? true : undefined));
    // The presence rows name the server carrying each; B loading the meeting's attendance (its first
    // participant) did not close A's open rows (it closes only its own, left by its own stop).
    const rowsOf = async (meetingId: string) => new Map((await a.store.db.selectFrom('attendance').select(['account_id', 'online_since', 'server_id']).where('meeting_id', '=', meetingId).execute()).map((r) => [r.account_id, r]));
    await eventually(async () => {
      const rows = await rowsOf(m.id);
      for (const [id, server] of [[m.chair.id, 'server-a'], [hn.id, 'server-a'], [m.secretary.id, 'server-b'], [cb.id, 'server-b']] as const) {
        expect(rows.get(id)?.server_id).toBe(server);
        expect(rows.get(id)?.online_since).not.toBeNull();
      }
    });
    // A got the meeting's home lease first (its participants joined first), and says so in /metrics,
    // with the participants per meeting here and on the other server and the bus's counters.
    expect(a.cluster?.homes?.isHome(m.id)).toBe(true);
    let textA = await scrape(a.url);
    expect(metric(textA, 'phonghop_cluster_meeting_home', { meeting: m.id })).toBe(1);
    expect(metric(textA, 'phonghop_cluster_leases_held', { kind: 'server' })).toBe(1);
    expect(metric(textA, 'phonghop_cluster_leases_held', { kind: 'meeting' })).toBe(1);
    expect(metric(textA, 'phonghop_cluster_meeting_participants', { meeting: m.id, where: 'local' })).toBe(2);
    expect(metric(textA, 'phonghop_cluster_meeting_participants', { meeting: m.id, where: 'remote' })).toBe(2);
    const receivedBefore = metric(textA, 'phonghop_cluster_bus_messages_total', { what: 'received' })!;
    expect(receivedBefore).toBeGreaterThan(0);
    expect(metric(textA, 'phonghop_cluster_bus_messages_total', { what: 'published' })).toBeGreaterThan(0);
    expect(metric(textA, 'phonghop_cluster_bus_messages_total', { what: 'invalid' })).toBe(0);
    const textB = await scrape(b.url);
    expect(metric(textB, 'phonghop_cluster_meeting_home', { meeting: m.id })).toBe(0);
    expect(metric(textB, 'phonghop_cluster_meeting_participants', { meeting: m.id, where: 'local' })).toBe(2);
    expect(metric(textB, 'phonghop_cluster_server_info', { server: 'server-b' })).toBe(1);

    // Who is here counts both servers (the votes' "present").
    expect((await cbB.client.request('vote.state', {})).present).toBe(4);
    expect((await chairA.client.request('vote.state', {})).present).toBe(4);
    // The chair opens the points panel on A (asking once makes it pushed every change, points-watch.ts).
    expect((await chairA.client.request('points.status', {})).counts).toMatchObject({ invited: 1, connected: 0 });

    // The attendance panel (organisers) shows the delegates of the other server present too.
    await eventually(async () => {
      for (const [x, other] of [[chairA, cb], [secB, hn]] as const) {
        const att = await x.client.request('attendance.state', {});
        expect(att.delegates.find((d) => d.accountId === other.id)?.present).toBe(true);
      }
    });

    // --- the points panel's push: the point joining on B reaches the chair watching on A, its leaving too.
    let seen = chairA.client.notifications.length;
    const ptB = await TestSignalingClient.connect(b.url, pt.token);
    const ptPeer = (await ptB.request('join', { meetingId: m.id })).peerId;
    expect((await pushedAfter(chairA, seen, (d) => d.counts.connected === 1)).points[0]).toMatchObject({ connected: true, peerId: ptPeer });
    seen = chairA.client.notifications.length;
    await ptB.request('leave', {});
    expect((await pushedAfter(chairA, seen, (d) => d.counts.connected === 0)).points[0]).toMatchObject({ connected: false, peerId: null });

    // --- chat: public from A reaches B; a private line to the secretary (on B) reaches only her.
    const hello = await hnA.client.request('chat.send', { to: 'all', body: 'Hà Nội xin chào Cao Bằng' });
    for (const x of [secB, cbB, chairA]) expect(await x.client.notification('chatMessage', (d) => d.id === hello.id)).toMatchObject({ body: 'Hà Nội xin chào Cao Bằng', senderId: hn.id });
    const priv = await hnA.client.request('chat.send', { to: 'secretary', body: 'Điểm cầu Hà Nội có 30 người dự.' });
    expect(await secB.client.notification('chatMessage', (d) => d.id === priv.id)).toMatchObject({ thread: hn.id });
    const answer = await secB.client.request('chat.send', { to: hn.id, body: 'Đã ghi nhận.' });
    expect(await hnA.client.notification('chatMessage', (d) => d.id === answer.id)).toMatchObject({ thread: hn.id, senderId: m.secretary.id });
    await new Promise((r) => setTimeout(r, 300));
    for (const x of [cbB, chairA]) expect(x.client.notifications.some((n) => n.name === 'chatMessage' && [priv.id, answer.id].includes((n.data as { id: string }).id))).toBe(false);

    // --- a shared document (the minutes' editor): the chair writes through A, the secretary through B.
    const doc = `minutes/${m.id}`;
    const edA = stockClient(a.url, doc, m.chair.token);
    const edB = stockClient(b.url, doc, m.secretary.token);
    await Promise.all([synced(edA), synced(edB)]);
    edA.doc.getText('t').insert(0, 'Kết luận: ');
    await eventually(() => expect(edB.doc.getText('t').toString()).toBe('Kết luận: '));
    edB.doc.getText('t').insert(10, 'đã thống nhất.');
    await eventually(() => expect(edA.doc.getText('t').toString()).toBe('Kết luận: đã thống nhất.'));
    // Awareness (who is writing) crosses too, and is never stored.
    edB.provider.awareness.setLocalStateField('user', { name: 'Thư ký' });
    await eventually(() => expect([...edA.provider.awareness.getStates().values()].some((st) => st['user']?.name === 'Thư ký')).toBe(true));
    edA.destroy();
    edB.destroy();
    // Each server stored its own writer's update (and compacted without dropping the other's).
    await eventually(async () => {
      const rows = await a.store.db.selectFrom('collab_updates').select('data').where('doc_name', '=', doc).execute();
      const stored = new Y.Doc();
      for (const r of rows) Y.applyUpdate(stored, new Uint8Array(r.data));
      expect(stored.getText('t').toString()).toBe('Kết luận: đã thống nhất.');
    });

    // --- votes: opened on A; ballots on B count, B sees progress and the result.
    const created = await chairA.client.request('vote.create', { question: 'Thông qua kế hoạch liên tỉnh năm 2027?', durationSeconds: null });
    await chairA.client.request('vote.open', { voteId: created.vote.id });
    const openedOnB = await cbB.client.notification('voteUpdated', (d) => d.vote.id === created.vote.id && d.vote.status === 'open');
    expect(openedOnB.me).toEqual({ eligible: true, voted: false, canManage: false });
    expect((await secB.client.notification('voteUpdated', (d) => d.vote.id === created.vote.id && d.vote.status === 'open')).me.canManage).toBe(true);
    await cbB.client.request('vote.cast', { voteId: created.vote.id, choices: ['tan-thanh'] });
    await secB.client.request('vote.cast', { voteId: created.vote.id, choices: ['khong-tan-thanh'] });
    const progressOnA = await chairA.client.notification('voteProgress', (d) => d.voteId === created.vote.id && d.castCount === 2);
    expect(progressOnA.tally).toEqual({ 'tan-thanh': 1, 'khong-tan-thanh': 1, 'khong-bieu-quyet': 0 });
    await hnA.client.request('vote.cast', { voteId: created.vote.id, choices: ['tan-thanh'] });
    expect((await cbB.client.notification('voteProgress', (d) => d.voteId === created.vote.id && d.castCount === 3)).tally).toEqual({ 'tan-thanh': 2, 'khong-tan-thanh': 1, 'khong-bieu-quyet': 0 });
    // Named ballots cast on both servers all reached B.
    const namedOnB = cbB.client.notifications.filter((n) => n.name === 'voteProgress').flatMap((n) => (n.data as { ballots: { accountId: string }[] }).ballots.map((x) => x.accountId));
    expect([...new Set(namedOnB)].sort()).toEqual([cb.id, m.secretary.id, hn.id].sort());
    // The same person cannot vote again through the other server.
    const again = await TestSignalingClient.connect(a.url, cb.token);
    await again.request('join', { meetingId: m.id });
    expect(await again.requestFrame('vote.cast', { voteId: created.vote.id, choices: ['tan-thanh'] })).toMatchObject({ ok: false, error: { code: 'already_voted' } });
    await again.request('leave', {});
    again.close();
    await chairA.client.request('vote.close', { voteId: created.vote.id });
    for (const x of [cbB, secB]) {
      const closed = await x.client.notification('voteUpdated', (d) => d.vote.id === created.vote.id && d.vote.status === 'closed');
      expect(closed.vote.result).toMatchObject({ eligible: 4, cast: 3, quorumMet: true, passed: false });
      expect(closed.me.voted).toBe(true);
    }

    // --- moderation: "mute all" on A reaches the delegate carried by B (organisers are left alone).
    expect((await chairA.client.request('moderation.muteAll', {})).muted).toBe(2);
    expect((await cbB.client.notification('floor.changed', (d) => d.hostMuted.includes(cb.id))).hostMuted.sort()).toEqual([cb.id, hn.id].sort());
    // --- floor: given on A to a delegate carried by B; B's peers see it (and the host mute is lifted).
    await chairA.client.request('floor.give', { accountId: cb.id });
    for (const x of [cbB, secB, chairA]) {
      const given = await x.client.notification('floor.changed', (d) => d.holder?.accountId === cb.id);
      expect(given.holder).toMatchObject({ displayName: 'Đại biểu Cao Bằng' });
      expect(given.hostMuted).toEqual([hn.id]);
    }
    // And a change on B (the secretary locks the meeting) reaches A, on top of the floor given there.
    await secB.client.request('moderation.lock', { locked: true });
    expect(await chairA.client.notification('floor.changed', (d) => d.locked === true)).toMatchObject({ holder: { accountId: cb.id } });
    expect((await hnA.client.request('floor.state', {})).locked).toBe(true);

    // --- a meeting ended through A closes its room on B (4004), where its only participant is.
    const m2 = await liveMeeting(admin, [cb], 'Họp ngắn liên tỉnh');
    const cbB2 = await TestSignalingClient.connect(b.url, cb.token);
    const closedOnB = new Promise<number>((resolve) => cbB2.ws.once('close', (code) => resolve(code)));
    await cbB2.request('join', { meetingId: m2.id });
    // B hears the meeting once its channel is subscribed (A carries nobody of it, so A does not).
    const redisAdmin = new Redis(redis.url);
    try {
      await eventually(async () => expect(await redisAdmin.call('PUBSUB', 'NUMSUB', `phonghop:meeting:${m2.id}`)).toEqual([`phonghop:meeting:${m2.id}`, 1]));
    } finally {
      redisAdmin.disconnect();
    }
    await m2.secretary.api.ok('POST', `/api/meetings/${m2.id}/transition`, { to: 'ended' });
    expect(await closedOnB).toBe(4004);

    // It comes back through B (the meeting unlocked again), and stays until B dies (below).
    await secB.client.request('moderation.lock', { locked: false });
    seen = chairA.client.notifications.length;
    const ptPeer2 = (await ptB.request('join', { meetingId: m.id })).peerId;
    await pushedAfter(chairA, seen, (d) => d.points[0]?.peerId === ptPeer2);

    // --- a meeting whose home is B (its first participant joined there), a vote opened there with a
    // time limit; A carries a participant of it, so it tries the home lease too (and stays second).
    const m3 = await liveMeeting(admin, [hn, cb], 'Biểu quyết quy chế phối hợp liên tỉnh');
    const cbB3 = await TestSignalingClient.connect(b.url, cb.token);
    await cbB3.request('join', { meetingId: m3.id });
    const leaseOf = async (name: string) => (await sql<{ owner: string; token: string }>`SELECT owner, token::text AS token FROM cluster_leases WHERE name = ${name}`.execute(a.store.db)).rows[0];
    await eventually(async () => expect((await leaseOf(`meeting:${m3.id}`))?.owner).toMatch(/^server-b\//));
    const bToken3 = Number((await leaseOf(`meeting:${m3.id}`))!.token);
    const secB3 = await TestSignalingClient.connect(b.url, m3.secretary.token);
    await secB3.request('join', { meetingId: m3.id });
    const hnA3 = await TestSignalingClient.connect(a.url, hn.token);
    await hnA3.request('join', { meetingId: m3.id });
    const v3 = (await secB3.request('vote.create', { question: 'Thông qua quy chế phối hợp?', durationSeconds: 10 })).vote.id as string;
    await secB3.request('vote.open', { voteId: v3 });
    await hnA3.notification('voteUpdated', (d) => d.vote.id === v3 && d.vote.status === 'open');
    // Only the home runs the timer.
    expect(a.cluster?.homes?.isHome(m3.id)).toBe(false);
    expect(a.voting.armed()).not.toContain(v3);

    // --- B dies (SIGKILL): its participants leave A's roster once its liveness lease lapses.
    seen = chairA.client.notifications.length;
    const killedAt = Date.now();
    await b.kill9();
    for (const x of [chairA, hnA]) {
      await x.client.waitFor(() => (JSON.stringify(accounts(x)) === JSON.stringify([chairA, hnA].filter((y) => y !== x).map((y) => y.person.id)) ? true : undefined), 20_000);
    }
    const droppedMs = Date.now() - killedAt;
    // And out of the chair's points panel, pushed without asking.
    await pushedAfter(chairA, seen, (d) => d.counts.connected === 0, 20_000);
    // And out of the attendance panel.
    await eventually(async () => expect((await chairA.client.request('attendance.state', {})).delegates.find((d) => d.accountId === cb.id)?.present).toBe(false));
    // B's open presence rows are closed in the store by A, the meeting's home (fenced by its lease);
    // A's own stay open.
    await eventually(async () => {
      const rows = await rowsOf(m.id);
      for (const id of [m.secretary.id, cb.id, pt.id]) expect(rows.get(id)).toMatchObject({ online_since: null, server_id: null });
      for (const id of [m.chair.id, hn.id]) expect(rows.get(id)).toMatchObject({ server_id: 'server-a' });
      expect(rows.get(m.chair.id)?.online_since).not.toBeNull();
    }, 20_000);

    // m3's home died with B: A takes its lease when it lapses (a higher token), arms the open vote's
    // timer, and closes it at its time (fenced). Its rows of B are closed as A becomes the home.
    const closed3 = await hnA3.waitFor(() => hnA3.notifications.find((n) => n.name === 'voteUpdated' && (n.data as { vote: { id: string; status: string } }).vote.id === v3 && (n.data as { vote: { status: string } }).vote.status === 'closed')?.data, 30_000);
    expect(closed3).toBeDefined();
    const lease3 = (await leaseOf(`meeting:${m3.id}`))!;
    expect(lease3.owner).toMatch(/^server-a\//);
    expect(Number(lease3.token)).toBeGreaterThan(bToken3);
    const row3 = await a.store.db.selectFrom('votes').select(['status', 'closes_at', 'closed_at']).where('id', '=', v3).executeTakeFirstOrThrow();
    expect(row3.status).toBe('closed');
    expect(Date.parse(row3.closed_at!)).toBeGreaterThanOrEqual(Date.parse(row3.closes_at!) - 20);
    const chain3 = await a.store.db.selectFrom('vote_chain').select('event').where('meeting_id', '=', m3.id).execute();
    expect(chain3.map((c) => JSON.parse(c.event) as { type: string; voteId?: string; reason?: string }).find((e) => e.type === 'closed' && e.voteId === v3)?.reason).toBe('time');
    await eventually(async () => {
      const rows = await rowsOf(m3.id);
      for (const id of [m3.secretary.id, cb.id]) expect(rows.get(id)).toMatchObject({ online_since: null, server_id: null });
      expect(rows.get(hn.id)).toMatchObject({ server_id: 'server-a' });
    });

    // The metrics moved: nobody remote any more, more received, B's rows closed here (3 of m, 2 of m3).
    textA = await scrape(a.url);
    expect(metric(textA, 'phonghop_cluster_meeting_participants', { meeting: m.id, where: 'remote' })).toBe(0);
    expect(metric(textA, 'phonghop_cluster_meeting_participants', { meeting: m3.id, where: 'local' })).toBe(1);
    expect(metric(textA, 'phonghop_cluster_bus_messages_total', { what: 'received' })).toBeGreaterThan(receivedBefore);
    expect(metric(textA, 'phonghop_cluster_leases_held', { kind: 'meeting' })).toBe(2);
    expect(metric(textA, 'phonghop_cluster_dead_server_rows_closed_total')).toBe(5);

    // --- a stale home cannot close a vote by its timer. m's home lease is taken from A behind its
    // back (as another server would after A paused longer than the TTL): A's close is refused by the
    // fence; A notices at its next renewal and drops the timer; the lease given back, A takes it
    // again (a higher token), re-arms, and the vote closes at its time.
    const v4 = (await chairA.client.request('vote.create', { question: 'Thông qua lịch họp quý I?', durationSeconds: 10 })).vote.id as string;
    await chairA.client.request('vote.open', { voteId: v4 });
    expect(a.voting.armed()).toContain(v4);
    const homeM = `meeting:${m.id}`;
    await sql`UPDATE cluster_leases SET owner = 'usurper', token = token + 1, expires_at = clock_timestamp() + interval '60 seconds', acquired_at = clock_timestamp() WHERE name = ${homeM}`.execute(a.store.db);
    await expect(a.voting.closeBySystem(v4, 'time')).rejects.toMatchObject({ code: 'lease_lost' });
    expect((await a.store.db.selectFrom('votes').select('status').where('id', '=', v4).executeTakeFirstOrThrow()).status).toBe('open');
    await eventually(() => expect(a.voting.armed()).not.toContain(v4));
    expect(a.cluster?.homes?.isHome(m.id)).toBe(false);
    await sql`UPDATE cluster_leases SET expires_at = clock_timestamp() WHERE name = ${homeM} AND owner = 'usurper'`.execute(a.store.db);
    await eventually(() => expect(a.cluster?.homes?.isHome(m.id)).toBe(true));
    // Re-arming reads the meeting's open votes back from the store after the lease is gained.
    await eventually(() => expect(a.voting.armed()).toContain(v4));
    const closed4 = await chairA.client.waitFor(() => chairA.client.notifications.find((n) => n.name === 'voteUpdated' && (n.data as { vote: { id: string; status: string } }).vote.id === v4 && (n.data as { vote: { status: string } }).vote.status === 'closed')?.data, 20_000);
    expect(closed4).toBeDefined();
    hnA3.close();
    console.log(`B SIGKILLed: its participants left A's roster after ${droppedMs} ms (liveness lease TTL ${LEASE_TTL_MS} ms)`);
    expect(droppedMs).toBeGreaterThanOrEqual(LEASE_TTL_MS / 2);
    expect((await chairA.client.request('vote.state', {})).present).toBe(2);
    for (const x of [chairA, hnA]) x.client.close();
  }, 180_000);
});
