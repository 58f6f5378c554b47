/**
 * One process of the event-bus benchmark (tests/bench/event-bus.ts), driven over IPC by it:
 * a publisher or a subscriber on Redis pub/sub (ioredis) or PostgreSQL LISTEN/NOTIFY (pg).
 * Subscribers parse every message with the bus's own zod schemas (parseEnvelope), as a server would.
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parseEnvelope, type Envelope, type MeetingEvent } from '../../../sfu-server/src/cluster/meeting-events';

type Engine = 'redis' | 'postgres';
type Command =
  | { cmd: 'subscribe'; engine: Engine; url: string; channel: string }
  | { cmd: 'count' }
  | { cmd: 'collect' }
  | { cmd: 'publisher'; engine: Engine; url: string; channel: string }
  | { cmd: 'run'; count: number; ratePerSec: number | null; window: number }
  | { cmd: 'exit' };

const now = () => performance.timeOrigin + performance.now();
const send = (m: unknown) => process.send!(m);

// ---- the meeting event mix --------------------------------------------------------------------
const fillers = new Map<number, string>();
const filler = (bytes: number) => {
  let f = fillers.get(bytes);
  if (!f) fillers.set(bytes, (f = Buffer.from(Array.from({ length: bytes }, (_, i) => (i * 7919) & 0xff)).toString('base64')));
  return f;
};
const names = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung'];
/** Weighted as in a live meeting of a few hundred points: awareness dominates, annotation bursts are the big ones. */
export function eventAt(i: number): MeetingEvent {
  const k = i % 100;
  const who = names[i % names.length]!;
  if (k < 45) return { type: 'collab.awareness', doc: 'doc:8f0c/layer:shared', update: filler(120 + (i % 5) * 60) };
  if (k < 60) return { type: 'collab.update', doc: 'doc:8f0c/layer:shared', update: filler(1024 + (i % 4) * 1024) };
  if (k < 70) return { type: 'presence', change: i % 2 ? 'joined' : 'left', peerId: `peer-${i}`, accountId: `acc-${i % 300}`, role: 'delegate', displayName: who, pointName: `Điểm cầu xã số ${i % 300}` };
  if (k < 85) return { type: 'vote.progress', voteId: 'vote-1', castCount: i % 300, tally: { yes: i % 200, no: i % 50, abstain: i % 20 }, ballots: [{ accountId: `acc-${i % 300}`, displayName: who, choices: ['yes'], recordedBy: null }] };
  if (k < 95) return { type: 'chat.message', secretaryId: 'acc-sec', message: { id: `msg-${i}`, thread: 'all', senderId: `acc-${i % 300}`, senderName: who, pointName: 'Điểm cầu huyện Ba Chẽ', body: 'Đề nghị Ban tổ chức cho ý kiến về mục 3 của dự thảo nghị quyết. '.repeat(1 + (i % 10)), at: new Date().toISOString() } };
  return { type: 'floor.changed', revision: i };
}

// ---- subscriber -------------------------------------------------------------------------------
let delays: number[] = [];
let received = 0;
let invalid = 0;
let bytes = 0;
let lastAt = 0;
function onMessage(raw: string) {
  const at = now();
  lastAt = at;
  const parsed = parseEnvelope(raw);
  if (!parsed.ok) {
    invalid++;
    return;
  }
  received++;
  bytes += Buffer.byteLength(raw);
  delays.push(at - parsed.envelope.sentAt);
}

async function subscribe(engine: Engine, url: string, channel: string) {
  if (engine === 'redis') {
    const sub = new Redis(url);
    sub.on('message', (_ch: string, message: string) => onMessage(message));
    await sub.subscribe(channel);
  } else {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    client.on('notification', (n) => onMessage(n.payload ?? ''));
    await client.query(`LISTEN ${channel}`);
  }
}

// ---- publisher --------------------------------------------------------------------------------
let publishOne: ((payload: string) => Promise<unknown>) | null = null;
async function publisher(engine: Engine, url: string, channel: string) {
  if (engine === 'redis') {
    const pub = new Redis(url);
    await pub.ping();
    publishOne = (payload) => pub.publish(channel, payload);
  } else {
    // A few connections, as a server's pool would: each NOTIFY is its own (auto-committed) transaction.
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    await pool.query('SELECT 1');
    publishOne = (payload) => pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }
}

let seq = 0;
async function run(count: number, ratePerSec: number | null, window: number) {
  const started = now();
  const inFlight = new Set<Promise<unknown>>();
  let failed = 0;
  let sentBytes = 0;
  for (let i = 0; i < count; i++) {
    if (ratePerSec) {
      const due = started + (i * 1000) / ratePerSec;
      const wait = due - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    while (inFlight.size >= window) await Promise.race(inFlight);
    seq++;
    const event = eventAt(seq);
    // The clock is read last: the delay is the engine's and the receiver's, not the making of the event.
    const envelope: Envelope = { v: 1, server: 'bench-publisher', epoch: 'e1', meetingId: 'bench-meeting', seq, sentAt: now(), event };
    const payload = JSON.stringify(envelope);
    sentBytes += Buffer.byteLength(payload);
    const p: Promise<void> = publishOne!(payload).then(
      () => void inFlight.delete(p),
      () => {
        failed++;
        inFlight.delete(p);
      },
    );
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return { sendMs: now() - started, failed, sentBytes };
}

process.on('message', (m: Command) => {
  void (async () => {
    try {
      if (m.cmd === 'subscribe') {
        await subscribe(m.engine, m.url, m.channel);
        send({ ok: true });
      } else if (m.cmd === 'count') {
        send({ ok: true, received });
      } else if (m.cmd === 'collect') {
        send({ ok: true, received, invalid, bytes, delays, lastAt });
        delays = [];
        received = 0;
        invalid = 0;
        bytes = 0;
      } else if (m.cmd === 'publisher') {
        await publisher(m.engine, m.url, m.channel);
        send({ ok: true });
      } else if (m.cmd === 'run') {
        send({ ok: true, ...(await run(m.count, m.ratePerSec, m.window)) });
      } else if (m.cmd === 'exit') {
        process.exit(0);
      }
    } catch (err) {
      send({ ok: false, error: (err as Error).stack ?? String(err) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
