/**
 * Oversized and slow (slowloris) uploads while a 3-point conference runs: bodies above a route's
 * limit are refused without being read to the end, and connections that trickle their headers or
 * body are cut by the server's time limits (short ones here: headers 3 s, whole request 6 s; see
 * sfu-server/src/http/timeouts.ts) while everyone else keeps being served.
 */
import { expect, it } from 'vitest';
import { expectConferenceUnharmed } from './support/expect-unharmed';
import { multipartPrefix, oversizedPost, slowloris } from './support/http-attacks';
import { liveConferenceForFile, sleep } from './support/live-conference';

const HEADERS_S = 3;
const REQUEST_S = 6;
const MB = 1024 * 1024;

const conf = liveConferenceForFile({ HTTP_HEADERS_TIMEOUT_SECONDS: String(HEADERS_S), HTTP_REQUEST_TIMEOUT_SECONDS: String(REQUEST_S), MAX_DOCUMENT_MB: '5' });

/** Other users' requests during an attack: the slowest answer of GET /api/health every 200 ms. */
async function whileServingOthers<T>(attack: Promise<T>): Promise<{ result: T; slowestHealthMs: number; failedHealth: number }> {
  let done = false;
  let slowest = 0;
  let failed = 0;
  const probe = (async () => {
    while (!done) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${conf.url}/api/health`, { signal: AbortSignal.timeout(5000) });
        if (!res.ok) failed++;
        await res.arrayBuffer();
      } catch {
        failed++;
      }
      slowest = Math.max(slowest, performance.now() - t0);
      await sleep(200);
    }
  })();
  try {
    return { result: await attack, slowestHealthMs: slowest, failedHealth: failed };
  } finally {
    done = true;
    await probe;
  }
}

/**
 * Refused with one of `statuses`, before the body was read to its end. When the server answers and
 * closes while the attacker is still sending, TCP may reset the connection before the answer is
 * read: status 0, which counts as refused too (the server cut it early).
 */
function expectRefusedEarly(name: string, x: { status: number; sentBeforeAnswer: number }, total: number, statuses: number[]) {
  expect([...statuses, 0], `${name}: status`).toContain(x.status);
  // Loopback socket buffers hold a few MB: far less than the body was sent.
  expect(x.sentBeforeAnswer, `${name}: bytes sent before the answer`).toBeLessThan(Math.min(total / 2, 24 * MB));
}

it('oversized bodies are refused early (413, or 401/403 before reading), whatever their size', { timeout: 120_000 }, async () => {
  const boundary = 'xxabusexx';
  const multipart = { 'content-type': `multipart/form-data; boundary=${boundary}` };
  const agendaItemId = (await conf.secretary.api.ok('GET', `/api/meetings/${conf.meetingId}`)).agenda[0].id;
  const uploadPath = `/api/meetings/${conf.meetingId}/documents?agendaItemId=${agendaItemId}`;
  const { result, report } = await conf.measure('oversized uploads', () =>
    whileServingOthers(
      (async () => ({
        loginJson: await oversizedPost(conf.url, '/api/auth/login', 200 * MB, { 'content-type': 'application/json' }),
        verifyPdf: await oversizedPost(conf.url, '/api/signing/verify', 80 * MB, { authorization: `Bearer ${conf.attacker.token}` }),
        uploadBySecretary: await oversizedPost(conf.url, uploadPath, 60 * MB, { ...multipart, authorization: `Bearer ${conf.secretary.token}` }, multipartPrefix(boundary)),
        uploadByDelegate: await oversizedPost(conf.url, uploadPath, 60 * MB, { ...multipart, authorization: `Bearer ${conf.attacker.token}` }, multipartPrefix(boundary)),
        uploadAnonymous: await oversizedPost(conf.url, uploadPath, 60 * MB, multipart, multipartPrefix(boundary)),
      }))(),
    ),
  );
  console.log(result);
  const r = result.result;
  expectRefusedEarly('200 MB of JSON to the login', r.loginJson, 200 * MB, [413]);
  expectRefusedEarly('80 MB to verify', r.verifyPdf, 80 * MB, [413, 429]);
  expectRefusedEarly('60 MB upload by the secretary (limit 5 MB)', r.uploadBySecretary, 60 * MB, [413]);
  expectRefusedEarly('60 MB upload by a delegate', r.uploadByDelegate, 60 * MB, [403]);
  expectRefusedEarly('60 MB upload without a session', r.uploadAnonymous, 60 * MB, [401]);
  expect(result.failedHealth).toBe(0);
  expectConferenceUnharmed(report);
});

it('200 slowloris connections (headers or body at 2 bytes/s) are all cut by the server in time; others are served meanwhile', { timeout: 120_000 }, async () => {
  const { result, report } = await conf.measure('slowloris: 200 connections at 2 bytes/s', () => whileServingOthers(slowloris(conf.url, '/api/auth/login', { connections: 200, bytesPerSecond: 2, maxSeconds: 25 })));
  const endings = result.result.endings;
  const byStatus: Record<string, number> = {};
  for (const e of endings) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
  const longest = Math.max(...endings.map((e) => e.ms));
  console.log('slowloris endings', byStatus, `longest ${longest} ms, slowest health answer ${result.slowestHealthMs.toFixed(0)} ms`);
  expect(endings.filter((e) => !e.byServer), 'connections the server left open').toEqual([]);
  expect(byStatus).toEqual({ 'HTTP/1.1 408 Request Timeout': 200 });
  // Each limit, plus the server's check interval (a quarter of the headers limit) and some slack.
  expect(longest).toBeLessThan((REQUEST_S + HEADERS_S / 4 + 3) * 1000);
  expect(result.failedHealth).toBe(0);
  expectConferenceUnharmed(report);
});
