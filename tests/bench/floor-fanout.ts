/**
 * Floor and attendance at provincial scale: POINTS bridge points (signaling clients without media)
 * join one live meeting with the chair and the secretary. Prints:
 *   - a point sends join → the secretary gets the attendance push (p50/p95/max), 25 points joining at a time;
 *   - floor.give → every client has the new holder in `floor.changed` (p50/p95/max over ROUNDS);
 *   - floor.request round trip; controlled mode on (forceMic over every peer) round trip;
 *   - CPU of this process (server and clients share it: an upper bound for the server).
 * Figures only, no assertions.   node --import tsx tests/bench/floor-fanout.ts   (POINTS=300 ROUNDS=20)
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { hashPassword } from '../../sfu-server/src/auth/passwords';
import { TestSignalingClient } from '../support/signaling-test-client';
import { startTestServer } from '../support/test-server';

const POINTS = Number(process.env['POINTS'] ?? 300);
const ROUNDS = Number(process.env['ROUNDS'] ?? 20);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms  p95 ${pct(xs, 95).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms  (n=${xs.length})`;

async function main(): Promise<void> {
  const server = await startTestServer({ MAX_PEERS_PER_ROOM: String(POINTS + 10) });
  const db = server.store.db;
  const now = new Date().toISOString();
  const hash = await hashPassword('Mat-khau-bench-1');
  const unit = randomUUID();
  await db.insertInto('units').values({ id: unit, name: 'UBND tỉnh', level: 'province', parent_id: null, created_at: now }).execute();
  const account = (role: string, name: string, point: string | null) => ({ id: randomUUID(), username: `${role}.${randomUUID()}`, display_name: name, title: '', role, unit_id: unit, bridge_point_id: point, password_hash: hash, disabled: 0, created_at: now, updated_at: now });
  const pointIds = Array.from({ length: POINTS }, () => randomUUID());
  for (let i = 0; i < POINTS; i += 200) {
    await db.insertInto('bridge_points').values(pointIds.slice(i, i + 200).map((id, j) => ({ id, unit_id: unit, name: `Điểm cầu ${i + j + 1}`, headcount: 20, created_at: now }))).execute();
  }
  const operators = pointIds.map((p, i) => account('operator', `Điểm cầu ${i + 1}`, p));
  const chair = account('chair', 'Chủ tọa', null);
  const secretary = account('secretary', 'Thư ký', null);
  for (let i = 0; i < operators.length; i += 100) await db.insertInto('accounts').values(operators.slice(i, i + 100)).execute();
  await db.insertInto('accounts').values([chair, secretary]).execute();
  const meetingId = randomUUID();
  await db.insertInto('meetings').values({ id: meetingId, title: 'Hội nghị toàn tỉnh', description: '', starts_at: now, ends_at: now, status: 'live', chair_id: chair.id, secretary_id: secretary.id, created_by: secretary.id, created_at: now, updated_at: now }).execute();
  for (let i = 0; i < POINTS; i += 400) await db.insertInto('meeting_points').values(pointIds.slice(i, i + 400).map((p) => ({ meeting_id: meetingId, bridge_point_id: p }))).execute();

  // Sessions made directly (no scrypt per login): the bench is about the room, not about logging in.
  const token = async (accountId: string) => {
    const sid = randomUUID();
    await db.insertInto('sessions').values({ id: sid, account_id: accountId, refresh_hash: randomUUID(), created_at: now, expires_at: new Date(Date.now() + 3600_000).toISOString(), revoked_at: null }).execute();
    return (await server.auth.signer.signAccess({ sub: accountId, sid })).token;
  };

  const chairClient = await TestSignalingClient.connect(server.url, await token(chair.id));
  await chairClient.request('join', { meetingId });
  const secClient = await TestSignalingClient.connect(server.url, await token(secretary.id));
  await secClient.request('join', { meetingId });
  await secClient.request('attendance.state', {});

  // Attendance: the time from a point's join request to the secretary's push naming that point.
  const pushedAt = new Map<string, number>();
  secClient.ws.on('message', (raw) => {
    const at = performance.now();
    const frame = JSON.parse(raw.toString()) as { notification?: string; data?: { points?: { bridgePointId: string; online: boolean }[] } };
    if (frame.notification === 'attendance.changed') for (const p of frame.data?.points ?? []) if (p.online && !pushedAt.has(p.bridgePointId)) pushedAt.set(p.bridgePointId, at);
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const clients: TestSignalingClient[] = [];
  const joinedAt = new Map<string, number>();
  for (let i = 0; i < POINTS; i += 25) {
    const batch = operators.slice(i, i + 25);
    clients.push(
      ...(await Promise.all(
        batch.map(async (op) => {
          const c = await TestSignalingClient.connect(server.url, await token(op.id));
          joinedAt.set(op.bridge_point_id!, performance.now());
          await c.request('join', { meetingId });
          return c;
        }),
      )),
    );
  }
  const joinAll = performance.now() - t0;
  await secClient.waitFor(() => (pushedAt.size >= POINTS ? true : undefined), 60_000);
  const attendanceLag = [...joinedAt].map(([p, at]) => (pushedAt.get(p) ?? NaN) - at).filter((x) => !Number.isNaN(x));
  const quorum = (await secClient.request('attendance.state', {})).quorum;

  // Floor: give → every client has it.
  const everyone = [chairClient, secClient, ...clients];
  const seen = everyone.map(() => new Map<string, number>());
  everyone.forEach((c, i) =>
    c.ws.on('message', (raw) => {
      const text = raw.toString();
      if (!text.includes('"floor.changed"')) return;
      const holder = (JSON.parse(text) as { data: { holder: { accountId: string } | null } }).data.holder;
      if (holder && !seen[i]!.has(holder.accountId)) seen[i]!.set(holder.accountId, performance.now());
    }),
  );
  const giveLag: number[] = [];
  const requestRtt: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const k = (r * 7919) % POINTS;
    const speaker = operators[k]!;
    const s0 = performance.now();
    await clients[k]!.request('floor.request', { topic: `Ý kiến ${r}` });
    requestRtt.push(performance.now() - s0);
    const g0 = performance.now();
    await chairClient.request('floor.give', { accountId: speaker.id });
    await chairClient.waitFor(() => (seen.every((m) => m.has(speaker.id)) ? true : undefined), 30_000);
    giveLag.push(Math.max(...seen.map((m) => m.get(speaker.id)!)) - g0);
    await chairClient.request('floor.take', {});
  }
  const c0 = performance.now();
  await chairClient.request('floor.settings', { controlled: true });
  const controlledRtt = performance.now() - c0;
  const cpu = process.cpuUsage(cpu0);

  console.log(`floor-fanout: ${POINTS} points + chair + secretary in one meeting (signaling only, 1 worker)`);
  console.log(`  all points joined in            ${joinAll.toFixed(0)} ms`);
  console.log(`  join sent → secretary's push    ${fmt(attendanceLag)}`);
  console.log(`  quorum after the joins          ${quorum.present}/${quorum.total} (needs ${quorum.required}) met=${quorum.met}`);
  console.log(`  floor.request round trip        ${fmt(requestRtt)}`);
  console.log(`  floor.give → all ${everyone.length} clients   ${fmt(giveLag)}`);
  console.log(`  controlled mode on (round trip) ${controlledRtt.toFixed(1)} ms`);
  console.log(`  process CPU (server + clients)  user ${(cpu.user / 1000).toFixed(0)} ms, system ${(cpu.system / 1000).toFixed(0)} ms over ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  for (const c of everyone) c.close();
  await server.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
