/**
 * What a large room of WebRTC receivers costs the server (browser and Electron clients, unlike the
 * plain-RTP points of load-300.ts, which take only the chair and the speaker): N signaling clients
 * each create a sending and a receiving WebRTC transport, produce a camera and a microphone (no
 * packets are sent: what is measured is the forwarding state, not the traffic) and say they are
 * ready. Each receiver then holds a consumer for every producer of the room, paused unless the
 * forwarding policy sends it. For N = 50/100/200/300 it prints the consumers in the room, how long
 * the N took to join (ten at a time), how many notifications a client received, and the resident
 * memory of the server process and of its mediasoup workers. Figures only, no assertions.
 *
 *   node --import tsx tests/bench/room-consumers.ts      POINTS=50,100,200,300
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestSignalingClient } from '../support/signaling-test-client';
import { metrics, prepareStore, sleep, startServer } from './support/bench-meeting';
import { rssMb } from './support/proc-cpu';
import { audioParameters, videoParameters } from './support/rtp-points';

const COUNTS = (process.env['POINTS'] ?? '50,100,200,300').split(',').map(Number).filter((n) => n >= 2);
const MAX = Math.max(...COUNTS);
const PORT = 19000 + (process.pid % 900);

interface Row {
  n: number;
  consumers: number;
  joinSeconds: number;
  notificationsPerClient: number;
  serverMb: number;
  workersMb: number;
}

async function phase(n: number, url: string, serverPid: number, meeting: Awaited<ReturnType<typeof prepareStore>>): Promise<Row> {
  const clients: TestSignalingClient[] = [];
  const started = Date.now();
  for (let i = 0; i < n; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, n - i) }, async (_, k) => {
        const idx = i + k;
        const client = await TestSignalingClient.connect(url, meeting.tokens[idx]!);
        clients[idx] = client;
        const joined = await client.request('join', { meetingId: meeting.meetingId });
        const send = await client.request('createWebRtcTransport', { direction: 'send' });
        await client.request('createWebRtcTransport', { direction: 'recv' });
        await client.request('produce', { transportId: send.id, kind: 'video', source: 'webcam', rtpParameters: videoParameters(200_000 + idx * 2) });
        await client.request('produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: audioParameters(200_001 + idx * 2), paused: true });
        await client.request('ready', { rtpCapabilities: joined.routerRtpCapabilities });
      }),
    );
  }
  // Until every receiver has all it will get (the last joiners' consumers are made after their answers).
  let snapshot = await metrics(url, meeting.adminToken);
  for (let i = 0; i < 120; i++) {
    const before = snapshot.rooms[0]?.consumers ?? 0;
    await sleep(500);
    snapshot = await metrics(url, meeting.adminToken);
    if ((snapshot.rooms[0]?.consumers ?? 0) === before) break;
  }
  const joinSeconds = (Date.now() - started) / 1000;
  const room = snapshot.rooms.find((r) => r.meetingId === meeting.meetingId);
  const row: Row = {
    n,
    consumers: room?.consumers ?? 0,
    joinSeconds,
    notificationsPerClient: clients.reduce((sum, c) => sum + c.notifications.length, 0) / n,
    serverMb: rssMb(serverPid),
    workersMb: snapshot.workers.reduce((sum, w) => sum + rssMb(w.pid), 0),
  };
  for (const c of clients) c.close();
  for (let i = 0; i < 60 && (await metrics(url, meeting.adminToken)).rooms.length > 0; i++) await sleep(250);
  return row;
}

async function main(): Promise<void> {
  console.log(`Room consumers: ${COUNTS.join('/')} WebRTC participants, ${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)} at start`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-consumers-'));
  const meeting = await prepareStore(dataDir, MAX);
  const { child, url } = await startServer(dataDir, PORT);
  const idle = await metrics(url, meeting.adminToken);
  console.log(`idle: server ${rssMb(child.pid!).toFixed(0)} MB, workers ${idle.workers.reduce((s, w) => s + rssMb(w.pid), 0).toFixed(0)} MB`);
  console.log(' participants  consumers  join (s)  notifications/client  server RSS  workers RSS');
  try {
    for (const n of COUNTS) {
      const r = await phase(n, url, child.pid!, meeting);
      console.log(
        [
          String(r.n).padStart(13),
          String(r.consumers).padStart(10),
          r.joinSeconds.toFixed(1).padStart(9),
          r.notificationsPerClient.toFixed(0).padStart(21),
          `${r.serverMb.toFixed(0)} MB`.padStart(10),
          `${r.workersMb.toFixed(0)} MB`.padStart(12),
        ].join(' '),
      );
    }
  } finally {
    child.kill('SIGTERM');
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
