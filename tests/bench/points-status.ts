/**
 * Roll-call benchmark: how long `points.status` (the "Điểm cầu" panel) takes for a meeting with 80
 * and 300 invited bridge points, all connected, each with a camera and a microphone — in-process
 * (PointsService over a real SQLite store), with the producers' statistics answered at once, so the
 * figures are the application's own cost: the invitation query, matching points to peers, and the
 * picture/sound rules. Prints figures only; `cold` includes the invitation query, `stats` re-reads
 * every producer's statistics (the cache expired), `cached` is a second panel within 1.5 s.
 *
 *   node --import tsx tests/bench/points-status.ts     CALLS=200 calls per row
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Actor } from '../../sfu-server/src/auth/policy';
import type { Room } from '../../sfu-server/src/media/room';
import { MeetingsService } from '../../sfu-server/src/meetings/meetings-service';
import { createLogger } from '../../sfu-server/src/observability/logger';
import { HEALTH_TTL_MS, PointsService } from '../../sfu-server/src/points/points-service';
import { openStore, type Store } from '../../sfu-server/src/store/database';

const CALLS = Math.max(50, Number(process.env['CALLS'] ?? 200));
const now = () => new Date().toISOString();

async function meetingWithPoints(store: Store, count: number): Promise<{ meetingId: string; chair: Actor; operators: string[] }> {
  const db = store.db;
  const chairId = randomUUID();
  const account = (id: string, role: string, pointId: string | null) => ({
    id,
    username: `${role}-${id}`,
    display_name: `${role} ${id.slice(0, 6)}`,
    title: '',
    role,
    unit_id: null,
    bridge_point_id: pointId,
    password_hash: 'not-used',
    disabled: 0,
    created_at: now(),
    updated_at: now(),
  });
  await db.insertInto('accounts').values(account(chairId, 'chair', null)).execute();
  const meetingId = randomUUID();
  await db
    .insertInto('meetings')
    .values({ id: meetingId, title: 'Hội nghị trực tuyến', description: '', starts_at: now(), ends_at: now(), status: 'live', chair_id: chairId, secretary_id: chairId, created_by: chairId, created_at: now(), updated_at: now() })
    .execute();
  const operators: string[] = [];
  for (let i = 0; i < count; i++) {
    const unitId = randomUUID();
    const pointId = randomUUID();
    const operatorId = randomUUID();
    await db.insertInto('units').values({ id: unitId, name: `UBND xã số ${i}`, level: 'commune', parent_id: null, created_at: now() }).execute();
    await db.insertInto('bridge_points').values({ id: pointId, unit_id: unitId, name: `Điểm cầu xã số ${i}`, headcount: 20, created_at: now() }).execute();
    await db.insertInto('accounts').values(account(operatorId, 'operator', pointId)).execute();
    await db.insertInto('meeting_points').values({ meeting_id: meetingId, bridge_point_id: pointId }).execute();
    operators.push(operatorId);
  }
  const chair: Actor = { accountId: chairId, sessionId: 's', role: 'chair', displayName: 'Chủ tọa', unitId: null, bridgePointId: null };
  return { meetingId, chair, operators };
}

/** A room as PointsService reads it: peers with a camera and a microphone whose statistics answer at once. */
function roomOf(meetingId: string, operators: string[]): Room {
  const producer = (source: string, bitrate: number) => ({ closed: false, paused: false, appData: { source }, score: [{ score: 10 }], getStats: async () => [{ bitrate }] });
  const peers = new Map(
    operators.map((accountId, i) => [
      `peer-${i}`,
      { id: `peer-${i}`, identity: { accountId }, producers: new Map([['v', producer('webcam', 300_000)], ['a', producer('mic', 30_000)]]) },
    ]),
  );
  return { name: meetingId, peers } as unknown as Room;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-bench-points-'));
  const store = await openStore({ dataDir, logger: createLogger('silent') });
  const meetings = new MeetingsService(store.db);
  console.log(`points.status, in-process, SQLite; ${CALLS} calls per row (ms)`);
  console.log('points  row      p50     p95     max');
  try {
    for (const count of [80, 300]) {
      const { meetingId, chair, operators } = await meetingWithPoints(store, count);
      const room = roomOf(meetingId, operators);
      let clock = Date.now();
      const service = new PointsService(store.db, meetings, () => clock);
      const t0 = performance.now();
      const first = await service.status(chair, room);
      const cold = performance.now() - t0;
      if (first.counts.connected !== count || first.counts.picture !== count) throw new Error(`unexpected counts ${JSON.stringify(first.counts)}`);
      console.log(`${String(count).padStart(6)}  cold  ${cold.toFixed(2).padStart(7)}`);
      for (const row of ['stats', 'cached'] as const) {
        const times: number[] = [];
        for (let i = 0; i < CALLS; i++) {
          if (row === 'stats') clock += HEALTH_TTL_MS + 1;
          const t = performance.now();
          await service.status(chair, room);
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        console.log(`${String(count).padStart(6)}  ${row.padEnd(6)}${percentile(times, 50).toFixed(2).padStart(7)} ${percentile(times, 95).toFixed(2).padStart(7)} ${times.at(-1)!.toFixed(2).padStart(7)}`);
      }
    }
  } finally {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
