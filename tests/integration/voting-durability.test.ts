/**
 * A ballot is acknowledged only once committed: the real server (a child process) is killed with
 * SIGKILL right after ballots are acknowledged, restarted on the same data folder, and every
 * acknowledged ballot is there, for open and secret votes alike; the tallies match.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../../sfu-server/src/store/database';
import { verifyMeetingChain } from '../../sfu-server/src/voting/verify';
import { quietLogger } from '../support/stores';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { TestSignalingClient } from '../support/signaling-test-client';
import { databaseUrlFor } from '../support/test-engine';
import { joinAll } from '../support/voting';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-kill9-'));
let running: ServerProcess | null = null;
afterAll(async () => {
  await running?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('no acknowledged ballot is lost when the server is killed right after the acknowledgements', async () => {
  running = await startServerProcess(dataDir);
  const admin = await TestApi.admin(running.url);
  const delegates: Person[] = [];
  for (let i = 0; i < 16; i++) delegates.push(await person(admin, 'delegate', `Đại biểu ${i + 1}`));
  const meeting = await liveMeeting(admin, delegates);
  const [chair, ...clients] = await joinAll(running.url, meeting.id, [meeting.chair, ...delegates]);
  const open = await chair!.request('vote.create', { question: 'Biểu quyết công khai', durationSeconds: null });
  const secret = await chair!.request('vote.create', { question: 'Bỏ phiếu kín', durationSeconds: null, secret: true });
  await chair!.request('vote.open', { voteId: open.vote.id });
  await chair!.request('vote.open', { voteId: secret.vote.id });

  const options = ['tan-thanh', 'khong-tan-thanh', 'khong-bieu-quyet'];
  const acked: { voteId: string; accountId: string; choice: string }[] = [];
  const proc = running;
  let killed = false;
  const killAfter = 20;
  // Every delegate casts on both votes at once; the server is killed the moment the 20th ack arrives.
  const sends = clients.flatMap((c, i) =>
    [open.vote.id, secret.vote.id].map(async (voteId) => {
      const choice = options[(i + (voteId === secret.vote.id ? 1 : 0)) % 3]!;
      const frame = await c.requestFrame('vote.cast', { voteId, choices: [choice] }).catch(() => null);
      if (frame && 'ok' in frame && frame.ok && !killed) {
        acked.push({ voteId, accountId: delegates[i]!.id, choice });
        if (acked.length === killAfter) {
          killed = true;
          proc.proc.kill('SIGKILL');
        }
      }
    }),
  );
  await Promise.race([Promise.all(sends), new Promise((r) => setTimeout(r, 20_000))]);
  expect(killed).toBe(true);
  await proc.kill9();
  for (const c of [chair!, ...clients]) c.close();
  expect(acked.length).toBe(killAfter);

  running = await startServerProcess(dataDir);
  const [chair2] = await joinAll(running.url, meeting.id, [meeting.chair]);
  const state = await chair2!.request('vote.state', {});
  const openEntry = state.votes.find((e) => e.vote.id === open.vote.id)!;
  const stored = new Map(openEntry.ballots!.map((b) => [b.accountId, b.choices[0]]));
  for (const a of acked.filter((a) => a.voteId === open.vote.id)) expect(stored.get(a.accountId), 'acknowledged open ballot').toBe(a.choice);
  // Secret ballots: each acknowledged voter is recorded as having voted.
  for (const a of acked.filter((a) => a.voteId === secret.vote.id)) {
    const c = await TestSignalingClient.connect(running.url, delegates.find((d) => d.id === a.accountId)!.token);
    await c.request('join', { meetingId: meeting.id });
    const mine = (await c.request('vote.state', {})).votes.find((e) => e.vote.id === secret.vote.id)!;
    expect(mine.me.voted, 'acknowledged secret ballot').toBe(true);
    c.close();
  }
  // The tallies agree with what was stored, on both votes.
  const closedOpen = await chair2!.request('vote.close', { voteId: open.vote.id });
  const closedSecret = await chair2!.request('vote.close', { voteId: secret.vote.id });
  expect(closedOpen.vote.result!.cast).toBe(stored.size);
  for (const o of closedOpen.vote.result!.options) expect(o.count).toBe([...stored.values()].filter((c) => c === o.id).length);
  const secretCast = closedSecret.vote.result!.cast;
  expect(secretCast).toBeGreaterThanOrEqual(acked.filter((a) => a.voteId === secret.vote.id).length);
  expect(closedSecret.vote.result!.options.reduce((s, o) => s + o.count, 0)).toBe(secretCast);
  chair2!.close();
  // The hash chain survived the kill intact and agrees with the stored ballots.
  const store = await openStore({ dataDir, databaseUrl: await databaseUrlFor(dataDir), logger: quietLogger() });
  const report = await verifyMeetingChain(store.db, meeting.id);
  await store.close();
  expect(report.problems).toEqual([]);
  expect(report.head).toBe(closedSecret.vote.result!.chainHead);
}, 180_000);
