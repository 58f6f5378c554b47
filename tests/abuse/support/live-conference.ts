/**
 * A live 3-point conference on the real server (a child process, as in production, so its event
 * loop is its own), for running attacks against while it goes on, and what to measure meanwhile:
 *
 * - three bridge points (operators) joined over signaling, each with a werift WebRTC peer that
 *   sends VP8 RTP (~30 packets/s) over real ICE + DTLS-SRTP and receives the two others' video;
 * - each point's signaling round trip (`media.ping` every 200 ms) and the gaps between the
 *   server's heartbeat pings it receives;
 * - the chair and point 1 on the shared annotation layer of a published document (stock
 *   y-websocket clients), the attacker an invited delegate who may read it;
 * - the server's event-loop delay, from its own `monitorEventLoopDelay` histogram that
 *   prom-client exports on GET /metrics (`phonghop_nodejs_eventloop_lag_{p99,max}_seconds`) and
 *   resets at every scrape: scraping when an attack starts and when it ends gives that window.
 *
 * No assertions here: `measure()` returns the figures, tests assert on them, the benchmark prints.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { person, TestApi, type Person } from '../../support/api-client';
import { stockClient, synced, type StockClient } from '../../support/collab-client';
import { uploadFile } from '../../support/documents';
import { makeSamplePdf } from '../../support/sample-pdf';
import { startServerProcess, type ServerProcess } from '../../support/server-process';
import { TestSignalingClient } from '../../support/signaling-test-client';
import { connectWerift, weriftVideoParameters, type WeriftEndpoint } from '../../support/werift-endpoint';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server's heartbeat period in these runs (a client silent this long is dropped). */
export const HEARTBEAT_SECONDS = 4;
const PING_EVERY_MS = 200;
const SAMPLE_EVERY_MS = 250;
/** A measured window lasts at least this long (the attack, then what follows it). */
const MIN_WINDOW_MS = 3000;

export class Participant {
  readonly pings: { at: number; rttMs: number | null }[] = [];
  /** When each of the server's heartbeat pings arrived. */
  readonly heartbeats: number[] = [];
  /** Packets received in total (all SSRCs), sampled. */
  readonly samples: { at: number; packets: number }[] = [];
  closed: { at: number; code: number } | null = null;
  #running = true;
  #loops: Promise<void>[] = [];

  constructor(
    readonly name: string,
    readonly person: Person,
    readonly client: TestSignalingClient,
    readonly send: WeriftEndpoint,
    readonly recv: WeriftEndpoint,
  ) {
    client.ws.on('ping', () => this.heartbeats.push(Date.now()));
    client.ws.on('close', (code) => (this.closed ??= { at: Date.now(), code }));
  }

  get packets(): number {
    let n = 0;
    for (const c of this.recv.received.values()) n += c;
    return n;
  }

  start(): void {
    // Video: ~30 packets/s until stopped.
    this.#loops.push(
      (async () => {
        while (this.#running && !this.closed) await this.send.sendVideo(30, 33);
      })(),
    );
    // The signaling round trip, as the app's own liveness check would see it.
    this.#loops.push(
      (async () => {
        while (this.#running && !this.closed) {
          const t0 = performance.now();
          try {
            const frame = await this.client.requestFrame('media.ping', {});
            this.pings.push({ at: Date.now(), rttMs: 'ok' in frame && frame.ok ? performance.now() - t0 : null });
          } catch {
            this.pings.push({ at: Date.now(), rttMs: null });
          }
          // The test client keeps every frame: drop answered ones so lookups stay short.
          this.client.frames.splice(0, this.client.frames.length - 50);
          await sleep(PING_EVERY_MS);
        }
      })(),
    );
    this.#loops.push(
      (async () => {
        while (this.#running) {
          this.samples.push({ at: Date.now(), packets: this.packets });
          await sleep(SAMPLE_EVERY_MS);
        }
      })(),
    );
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
    this.client.close();
    await this.send.close();
    await this.recv.close();
  }
}

export interface Quantiles {
  p50: number;
  p99: number;
  max: number;
}

export interface AttackReport {
  name: string;
  seconds: number;
  /** The server's event-loop delay over the attack (ms), from its own histogram. */
  loopDelay: { p99: number; max: number };
  /** Gaps between the server's heartbeat pings as the points received them (ms), all points. */
  heartbeatGapMs: Quantiles;
  /** Signaling round trips (media.ping) during the attack (ms), all points; unanswered ones count as failures. */
  pingRttMs: Quantiles;
  pingFailures: number;
  /** Video packets received per second by each point over the attack, and its slowest second. */
  mediaPps: { name: string; average: number; slowestSecond: number }[];
  /** Points whose signaling closed, or that the server no longer counts in the room. */
  dropped: string[];
  participantsInRoom: number;
}

export function quantiles(values: number[]): Quantiles {
  if (values.length === 0) return { p50: NaN, p99: NaN, max: NaN };
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1]! };
}

export interface LiveConference {
  url: string;
  server: ServerProcess;
  admin: TestApi;
  meetingId: string;
  chair: Person;
  secretary: Person;
  /** The attacker: an invited delegate (may read the pack and write its own marks). */
  attacker: Person;
  points: Participant[];
  documentId: string;
  versionId: string;
  /** `doc/<documentId>/shared`, with the chair and point 1 on it. */
  sharedLayer: string;
  chairLayer: StockClient;
  pointLayer: StockClient;
  /** Runs `attack` and returns what the conference went through meanwhile (and up to 3 s from its start). */
  measure<T>(name: string, attack: () => Promise<T>): Promise<{ result: T; report: AttackReport }>;
  stop(): Promise<void>;
}

const E9 = 1e9;

/** The server's event-loop delay since the previous scrape (the scrape resets prom-client's histogram). */
async function loopDelay(url: string, adminToken: string): Promise<{ p99: number; max: number }> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } });
  const text = await res.text();
  const read = (name: string) => {
    const m = new RegExp(`^phonghop_nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
    if (!m) throw new Error(`GET /metrics has no event-loop ${name} (status ${res.status})`);
    return (Number(m[1]) * E9) / 1e6;
  };
  return { p99: read('p99'), max: read('max') };
}

async function roomParticipants(url: string, adminToken: string, meetingId: string): Promise<number> {
  const res = await fetch(`${url}/api/metrics`, { headers: { authorization: `Bearer ${adminToken}` } });
  const body = (await res.json()) as { rooms: { meetingId: string; participants: number }[] };
  return body.rooms.find((r) => r.meetingId === meetingId)?.participants ?? 0;
}

async function joinPoint(url: string, meetingId: string, who: Person, name: string): Promise<Participant> {
  const client = await TestSignalingClient.connect(url, who.token);
  const joined = await client.request('join', { meetingId });
  const sendT = await client.request('createWebRtcTransport', { direction: 'send' });
  const recvT = await client.request('createWebRtcTransport', { direction: 'recv' });
  const send = await connectWerift(client, sendT);
  const recv = await connectWerift(client, recvT);
  await client.request('produce', { transportId: sendT.id, kind: 'video', source: 'webcam', rtpParameters: weriftVideoParameters(send) });
  await client.request('ready', { rtpCapabilities: joined.routerRtpCapabilities });
  return new Participant(name, who, client, send, recv);
}

/** Resumes every consumer the server offers each point until each receives the two others. */
async function resumeConsumers(points: Participant[]): Promise<void> {
  const resumed = new Set<string>();
  const deadline = Date.now() + 30_000;
  for (;;) {
    let all = true;
    for (const p of points) {
      const offers = p.client.notifications.filter((n) => n.name === 'newConsumer').map((n) => n.data as { id: string; kind: string });
      for (const o of offers) {
        if (resumed.has(o.id)) continue;
        resumed.add(o.id);
        await p.client.request('resumeConsumer', { consumerId: o.id });
      }
      if (offers.filter((o) => o.kind === 'video').length < points.length - 1) all = false;
    }
    if (all) return;
    if (Date.now() > deadline) throw new Error('the points did not get each other’s video');
    await sleep(100);
  }
}

/**
 * One live conference for the calling test file: started before its tests (beforeAll), stopped
 * after them (afterAll). The object returned stands for it; reading it before beforeAll ran throws.
 */
export function liveConferenceForFile(env: Record<string, string> = {}): LiveConference {
  let conf: LiveConference | undefined;
  beforeAll(async () => {
    conf = await startLiveConference(env);
  }, 120_000);
  afterAll(async () => {
    await conf?.stop();
  });
  return new Proxy({} as LiveConference, {
    get(_target, key) {
      if (conf === undefined) throw new Error('the live conference is read before it started (it starts in beforeAll)');
      return Reflect.get(conf, key);
    },
  });
}

export async function startLiveConference(env: Record<string, string> = {}): Promise<LiveConference> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-abuse-'));
  // Six WebRTC transports, UDP and TCP each: more ports than server-process's default block.
  const rtcBase = 30000 + ((process.pid * 11) % 250) * 40;
  const server = await startServerProcess(dataDir, { HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS), RTC_MIN_PORT: String(rtcBase), RTC_MAX_PORT: String(rtcBase + 39), ...env });
  try {
    const url = server.url;
    const admin = await TestApi.admin(url);
    const pointPeople = [await person(admin, 'operator', 'Điểm cầu tỉnh'), await person(admin, 'operator', 'Điểm cầu huyện Ba Chẽ'), await person(admin, 'operator', 'Điểm cầu xã Đồn Đạc')];
    const attacker = await person(admin, 'delegate', 'Đại biểu Kẻ Phá');
    const chair = await person(admin, 'chair', 'Chủ tọa Nguyễn Văn Chủ');
    const secretary = await person(admin, 'secretary', 'Thư ký Trần Thị Thư');
    const start = new Date(Date.now() + 60_000);
    const meeting = await secretary.api.ok('POST', '/api/meetings', {
      title: 'Hội nghị trực tuyến (thử tấn công)',
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 2 * 3600_000).toISOString(),
      chairId: chair.id,
      secretaryId: secretary.id,
    });
    const meetingId = meeting.id as string;
    const withAgenda = await secretary.api.ok('PUT', `/api/meetings/${meetingId}/agenda`, { items: [{ title: 'Báo cáo tình hình', durationMinutes: 30 }] });
    const pointIds: string[] = [];
    for (const p of pointPeople) pointIds.push((await p.api.ok('GET', '/api/auth/me')).bridgePointId);
    await secretary.api.ok('PUT', `/api/meetings/${meetingId}/invitations`, { pointIds, delegateIds: [attacker.id] });
    await secretary.api.ok('POST', `/api/meetings/${meetingId}/transition`, { to: 'published' });
    const uploaded = await uploadFile(secretary.api, `/api/meetings/${meetingId}/documents?agendaItemId=${withAgenda.agenda[0].id}`, await makeSamplePdf({ pages: 2 }), 'bao-cao.pdf');
    if (uploaded.status !== 201) throw new Error(`upload failed: ${uploaded.status} ${JSON.stringify(uploaded.body)}`);
    await secretary.api.ok('POST', `/api/meetings/${meetingId}/documents/publish`, {});
    await secretary.api.ok('POST', `/api/meetings/${meetingId}/transition`, { to: 'live' });
    const documentId = uploaded.body.id as string;
    const versionId = uploaded.body.versions[0].id as string;

    const points: Participant[] = [];
    for (const [i, p] of pointPeople.entries()) points.push(await joinPoint(url, meetingId, p, `point ${i + 1}`));
    await resumeConsumers(points);
    for (const p of points) p.start();

    const sharedLayer = `doc/${documentId}/shared`;
    const chairLayer = stockClient(url, sharedLayer, chair.token);
    const pointLayer = stockClient(url, sharedLayer, pointPeople[0]!.token);
    await Promise.all([synced(chairLayer), synced(pointLayer)]);
    // Media flowing everywhere before anything is measured.
    const deadline = Date.now() + 20_000;
    while (points.some((p) => p.packets < 30)) {
      if (Date.now() > deadline) throw new Error(`media did not start: ${points.map((p) => p.packets).join(', ')} packets`);
      await sleep(200);
    }
    const adminToken = admin.token!;
    await loopDelay(url, adminToken);

    return {
      url,
      server,
      admin,
      meetingId,
      chair,
      secretary,
      attacker,
      points,
      documentId,
      versionId,
      sharedLayer,
      chairLayer,
      pointLayer,
      async measure<T>(name: string, attack: () => Promise<T>) {
        await loopDelay(url, adminToken); // resets the server's histogram
        const t0 = Date.now();
        const result = await attack();
        // A quick attack is followed for a while: what it set off may show only afterwards.
        await sleep(Math.max(0, t0 + MIN_WINDOW_MS - Date.now()));
        const t1 = Date.now();
        const delay = await loopDelay(url, adminToken);
        const inWindow = (at: number) => at >= t0 && at <= t1;
        const gaps: number[] = [];
        const rtts: number[] = [];
        let failures = 0;
        const mediaPps: AttackReport['mediaPps'] = [];
        for (const p of points) {
          // Gaps that end in the window (the first may have started just before it).
          for (let i = 1; i < p.heartbeats.length; i++) if (inWindow(p.heartbeats[i]!)) gaps.push(p.heartbeats[i]! - p.heartbeats[i - 1]!);
          // A heartbeat still due at the end of the window counts as a gap so far.
          const last = p.heartbeats[p.heartbeats.length - 1];
          if (last !== undefined) gaps.push(t1 - Math.max(last, t0));
          for (const ping of p.pings.filter((x) => inWindow(x.at))) {
            if (ping.rttMs === null) failures++;
            else rtts.push(ping.rttMs);
          }
          const s = p.samples.filter((x) => inWindow(x.at));
          const average = s.length >= 2 ? ((s[s.length - 1]!.packets - s[0]!.packets) * 1000) / (s[s.length - 1]!.at - s[0]!.at) : NaN;
          let slowest = Infinity;
          for (let i = 0; i < s.length; i++) {
            const j = s.findIndex((x) => x.at >= s[i]!.at + 1000);
            if (j < 0) break;
            slowest = Math.min(slowest, ((s[j]!.packets - s[i]!.packets) * 1000) / (s[j]!.at - s[i]!.at));
          }
          mediaPps.push({ name: p.name, average, slowestSecond: Number.isFinite(slowest) ? slowest : average });
        }
        const inRoom = await roomParticipants(url, adminToken, meetingId);
        const dropped = points.filter((p) => p.closed).map((p) => `${p.name} (close ${p.closed!.code})`);
        if (inRoom < points.length && dropped.length === 0) dropped.push(`${points.length - inRoom} point(s) missing from the server's room`);
        const report: AttackReport = {
          name,
          seconds: (t1 - t0) / 1000,
          loopDelay: delay,
          heartbeatGapMs: quantiles(gaps),
          pingRttMs: quantiles(rtts),
          pingFailures: failures,
          mediaPps,
          dropped,
          participantsInRoom: inRoom,
        };
        return { result, report };
      },
      async stop() {
        chairLayer.destroy();
        pointLayer.destroy();
        await Promise.all(points.map((p) => p.stop()));
        await server.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** One line per figure, for test logs and the benchmark. */
export function formatReport(r: AttackReport): string {
  const pps = r.mediaPps.map((m) => `${m.average.toFixed(0)} (min ${m.slowestSecond.toFixed(0)})`).join(' / ');
  return [
    `${r.name}: ${r.seconds.toFixed(1)} s`,
    `  event-loop delay p99 ${r.loopDelay.p99.toFixed(1)} ms, max ${r.loopDelay.max.toFixed(1)} ms`,
    `  heartbeat gaps p50 ${r.heartbeatGapMs.p50.toFixed(0)} ms, max ${r.heartbeatGapMs.max.toFixed(0)} ms (drop after ${HEARTBEAT_SECONDS * 1000} ms)`,
    `  signaling round trip p50 ${r.pingRttMs.p50.toFixed(1)} ms, p99 ${r.pingRttMs.p99.toFixed(1)} ms, max ${r.pingRttMs.max.toFixed(1)} ms, unanswered ${r.pingFailures}`,
    `  video packets/s received per point: ${pps}`,
    `  dropped: ${r.dropped.length ? r.dropped.join(', ') : 'nobody'} (${r.participantsInRoom} in the room)`,
  ].join('\n');
}
