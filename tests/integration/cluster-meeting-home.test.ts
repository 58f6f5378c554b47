/**
 * A meeting's home among several servers (issue 16, wiring step 4; cluster/meeting-home.ts): two
 * servers in this process on one PostgreSQL and one Redis (Debian's packages). The server whose
 * participant joined first holds `meeting:<id>` and runs the vote timers, also of a vote opened
 * through the other server; when its last participant leaves it gives the lease up at once (not
 * after the TTL), the other server takes it, re-arms the timer, and the vote closes at its time
 * there. Skipped (by name) only where redis-server or PostgreSQL is not installed.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { eventually } from '../support/collab-client';
import { clusterEnginesAvailable, TestCluster } from '../support/cluster-servers';
import { TestSignalingClient } from '../support/signaling-test-client';

const hasEngines = clusterEnginesAvailable();
/** Long enough that a lease given up (taken over within TTL/3) and one let lapse (a full TTL) differ clearly. */
const LEASE_TTL_MS = 6000;
const METRICS_TOKEN = 'meeting-home-test-metrics-token';

async function metricOf(url: string, series: string): Promise<number | undefined> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.skipIf(!hasEngines)('a meeting’s home lease among two servers (needs redis-server and PostgreSQL)', () => {
  let cluster: TestCluster;
  let a: RunningServer;
  let c: RunningServer;

  beforeAll(async () => {
    cluster = await TestCluster.start({ authSecret: 'meeting-home-test-secret-'.padEnd(48, 'x'), leaseTtlMs: LEASE_TTL_MS, env: { METRICS_TOKEN } });
    a = await cluster.inProcess('home-a');
    c = await cluster.inProcess('home-c');
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('the first server is the home and runs the timers; its last participant leaving hands the lease over at once, with the timer', async () => {
    const admin = await TestApi.admin(a.url);
    const d1 = await person(admin, 'delegate', 'Đại biểu Lạng Sơn');
    const m = await liveMeeting(admin, [d1], 'Họp giao ban hai máy chủ');
    const lease = `meeting:${m.id}`;
    const owner = async () => (await sql<{ owner: string; token: string }>`SELECT owner, token::text AS token FROM cluster_leases WHERE name = ${lease}`.execute(a.store.db)).rows[0];

    const d1A = await TestSignalingClient.connect(a.url, d1.token);
    await d1A.request('join', { meetingId: m.id });
    await eventually(() => expect(a.cluster?.homes?.isHome(m.id)).toBe(true));
    const chairC = await TestSignalingClient.connect(c.url, m.chair.token);
    await chairC.request('join', { meetingId: m.id });
    await eventually(() => expect(c.cluster?.homes?.carried()).toContain(m.id));
    expect(c.cluster?.homes?.isHome(m.id)).toBe(false);

    // A vote opened through C (not the home): the home arms its timer, C does not.
    const v = (await chairC.request('vote.create', { question: 'Thông qua chương trình công tác tháng 12?', durationSeconds: 10 })).vote.id as string;
    await chairC.request('vote.open', { voteId: v });
    await eventually(() => expect(a.voting.armed()).toContain(v));
    expect(c.voting.armed()).not.toContain(v);
    expect(await metricOf(a.url, 'phonghop_cluster_leases_held{kind="meeting"}')).toBe(1);
    expect(await metricOf(c.url, 'phonghop_cluster_leases_held{kind="meeting"}')).toBe(0);
    const tokenA = Number((await owner())!.token);

    // A's only participant leaves: A gives the lease up at once; C takes it (its next try, TTL/3) well before a TTL.
    const leftAt = Date.now();
    await d1A.request('leave', {});
    // Given up, not let lapse: once A stopped keeping it, the row is no longer A's live lease (A had
    // renewed it less than TTL/3 ago, so a lapse would leave it live for more than half a TTL).
    await eventually(() => expect(a.cluster?.homes?.carried()).not.toContain(m.id));
    const afterLeave = (await sql<{ owner: string; live: boolean }>`SELECT owner, expires_at > clock_timestamp() AS live FROM cluster_leases WHERE name = ${lease}`.execute(a.store.db)).rows[0]!;
    expect(afterLeave.live && afterLeave.owner.startsWith('home-a/')).toBe(false);
    await eventually(() => expect(c.cluster?.homes?.isHome(m.id)).toBe(true), LEASE_TTL_MS * 2);
    const handedOverMs = Date.now() - leftAt;
    console.log(`home handed over ${handedOverMs} ms after the last participant left (TTL ${LEASE_TTL_MS} ms)`);
    expect(handedOverMs).toBeLessThan(LEASE_TTL_MS);
    const now = (await owner())!;
    expect(now.owner).toMatch(/^home-c\//);
    expect(Number(now.token)).toBeGreaterThan(tokenA);
    expect(a.cluster?.homes?.carried()).not.toContain(m.id);
    // The timer moved with the home.
    expect(c.voting.armed()).toContain(v);
    expect(a.voting.armed()).not.toContain(v);
    expect(await metricOf(c.url, `phonghop_cluster_meeting_home{meeting="${m.id}"}`)).toBe(1);
    expect(await metricOf(a.url, 'phonghop_cluster_leases_held{kind="meeting"}')).toBe(0);

    // And the vote closes at its time, by C.
    const closed = await chairC.waitFor(() => chairC.notifications.find((n) => n.name === 'voteUpdated' && (n.data as { vote: { id: string; status: string } }).vote.id === v && (n.data as { vote: { status: string } }).vote.status === 'closed')?.data, 20_000);
    expect(closed).toBeDefined();
    const row = await a.store.db.selectFrom('votes').select(['closes_at', 'closed_at']).where('id', '=', v).executeTakeFirstOrThrow();
    expect(Date.parse(row.closed_at!)).toBeGreaterThanOrEqual(Date.parse(row.closes_at!) - 20);
    d1A.close();
    chairC.close();
  }, 120_000);

  it('a server started again closes the presence rows its earlier run left open, in every meeting', async () => {
    const admin = await TestApi.admin(a.url);
    const d2 = await person(admin, 'delegate', 'Đại biểu Hà Giang');
    const m = await liveMeeting(admin, [d2], 'Họp sau khi máy chủ khởi động lại');
    // As a crash of C leaves it: d2's presence open, carried by home-c (nobody loads this meeting again).
    const since = new Date(Date.now() - 60_000).toISOString();
    await a.store.db.insertInto('attendance').values({ meeting_id: m.id, account_id: d2.id, display_name: 'Đại biểu Hà Giang', role: 'delegate', bridge_point_id: null, first_joined_at: since, last_left_at: null, online_since: since, total_seconds: 0, marked_present: 0, marked_at_point_id: null, marked_by: null, updated_at: since, server_id: 'home-c' }).execute();
    // And an open row of another server, which C must leave alone.
    await a.store.db.insertInto('attendance').values({ meeting_id: m.id, account_id: m.chair.id, display_name: 'Chủ tọa', role: 'chair', bridge_point_id: null, first_joined_at: since, last_left_at: null, online_since: since, total_seconds: 0, marked_present: 0, marked_at_point_id: null, marked_by: null, updated_at: since, server_id: 'home-a' }).execute();
    const dataDir = (c as RunningServer & { dataDir: string }).dataDir;
    await cluster.close(c);
    c = await cluster.inProcess('home-c', { DATA_DIR: dataDir });
    const rows = new Map((await a.store.db.selectFrom('attendance').selectAll().where('meeting_id', '=', m.id).execute()).map((r) => [r.account_id, r]));
    expect(rows.get(d2.id)).toMatchObject({ online_since: null, server_id: null });
    expect(rows.get(d2.id)!.total_seconds).toBeGreaterThanOrEqual(59);
    expect(rows.get(m.chair.id)).toMatchObject({ online_since: since, server_id: 'home-a' });
  }, 120_000);
});
