/**
 * Several servers (issue 16, step 6) in a browser: two servers on one PostgreSQL and one
 * redis-server (tests/support/cluster-servers.ts). The browsers open the web client at server A
 * (standing for the one public address); placement puts both bridge points' signaling and media on
 * server B (the lighter by id). B is SIGKILLed: both come back by themselves on A, as the same
 * people, seeing and hearing each other, without a click. Skipped where redis-server or PostgreSQL
 * is not installed (`scripts/setup.sh --test`).
 */
import path from 'node:path';
import { expect, test } from './support/test';
import { liveMeeting, PASSWORD, person, TestApi } from '../support/api-client';
import { clusterEnginesAvailable, TestCluster } from '../support/cluster-servers';
import type { ServerProcess } from '../support/server-process';
import { audioBytesReceived, expectGrowing, framesDecoded, joinLiveMeeting, logIn, tile } from './support/conference';

test.skip(!clusterEnginesAvailable(), 'needs redis-server and PostgreSQL (scripts/setup.sh --test)');

const METRICS_TOKEN = 'e2e-cluster-metrics-token-0123';
let cluster: TestCluster | undefined;
let a: ServerProcess;
let b: ServerProcess;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  cluster = await TestCluster.start({ authSecret: 'e2e-cluster-secret-'.padEnd(48, 'x'), leaseTtlMs: 1500 });
  // The web client: CLIENT_DIR (a build made apart), else the checkout's build.
  const common = { RENDERER_DIR: process.env.CLIENT_DIR ?? path.resolve('renderer/dist'), HEARTBEAT_SECONDS: '10', MEDIASOUP_WORKERS: '1', METRICS_TOKEN };
  // A (the address the browsers open) first: it makes the schema. Ids: placement breaks ties by id,
  // so the empty cluster places on "srv-1" = B.
  a = await cluster.process('srv-2', { ...common, PORT: '0' });
  // B's signaling is reached from pages served by A: A's origin is allowed there (behind the one
  // address of a real deployment both are the same origin).
  b = await cluster.process('srv-1', { ...common, PORT: '0', PUBLIC_ORIGINS: a.url });
});

test.afterAll(async () => {
  await cluster?.stop();
});

test('SIGKILL of the server carrying two bridge points: both are back on the other server by themselves, same identity, media flowing', async ({ browser }) => {
  test.setTimeout(420_000);
  const admin = await TestApi.admin(a.url);
  const names = ['Lý Văn Hai', 'Đinh Thị Máy'];
  const accounts = [await person(admin, 'operator', names[0]!), await person(admin, 'operator', names[1]!)];
  const title = `Hai máy chủ ${Date.now()}`;
  const meeting = await liveMeeting(admin, accounts, title);
  /** Participants of the meeting in A's room now (its /metrics, read live). */
  const onA = async () => {
    const text = await (await fetch(`${a.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const line = text.split('\n').find((l) => l.startsWith(`phonghop_cluster_meeting_participants{meeting="${meeting.id}",where="local"} `));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  const pages = [];
  for (const account of accounts) {
    const page = await logIn(browser, account.username, PASSWORD, { baseURL: a.url });
    await joinLiveMeeting(page, title);
    pages.push(page);
  }
  const [p1, p2] = pages as [(typeof pages)[0], (typeof pages)[0]];
  await expectGrowing(() => framesDecoded(p1, names[1]!), 'p1 sees p2 before the SIGKILL');
  await expectGrowing(() => framesDecoded(p2, names[0]!), 'p2 sees p1 before the SIGKILL');
  // Both are carried by B (its heartbeat says so), none by A.
  const carried = async () => (await admin.ok<{ id: string; participants: number }[]>('GET', '/api/cluster/servers')).map((s) => [s.id, s.participants]);
  await expect.poll(carried, { timeout: 10_000 }).toEqual([['srv-1', 2], ['srv-2', 0]]);

  const killedAt = Date.now();
  await b.kill9();
  // Back in the room when A's room has both (read live from A's /metrics every 100 ms).
  await expect.poll(onA, { timeout: 30_000, intervals: [100] }).toBe(2);
  const back = Date.now() - killedAt;
  await expect.poll(async () => (await carried()).find(([id]) => id === 'srv-2')?.[1], { timeout: 10_000 }).toBe(2);
  for (const page of [p1, p2]) {
    await expect(page.getByRole('status').filter({ hasText: 'Đang kết nối lại' })).toBeHidden({ timeout: 30_000 });
    await expect(page.getByTestId('participant-count')).toHaveText('2 điểm cầu', { timeout: 30_000 });
  }
  await expect(tile(p1, names[1]!)).toHaveCount(1);
  await expect(tile(p2, names[0]!)).toHaveCount(1);
  await expectGrowing(() => framesDecoded(p1, names[1]!).catch(() => 0), 'p1 sees p2 after the SIGKILL');
  await expectGrowing(() => framesDecoded(p2, names[0]!).catch(() => 0), 'p2 sees p1 after the SIGKILL');
  await expectGrowing(() => audioBytesReceived(p1, names[1]!), 'p1 hears p2 after the SIGKILL');
  await expectGrowing(() => audioBytesReceived(p2, names[0]!), 'p2 hears p1 after the SIGKILL');
  console.log(`cluster failover (browser): both back in the room on the other server ${back} ms after the SIGKILL; pictures and sound both ways seen growing by ${Date.now() - killedAt} ms (the checks take ~2 s themselves)`);
});
