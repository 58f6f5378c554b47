/**
 * The server-owned receiving side of a media tap (sfu-server/src/media/rtp-relay.ts), on loopback
 * with plain sockets standing for the worker and for ffmpeg: nothing sent before the receiver
 * listens is lost, the order is kept, the live packets follow, the receiver's RTCP goes back.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { RtpRelay } from '../../../sfu-server/src/media/rtp-relay';

const sockets: dgram.Socket[] = [];
const relays: RtpRelay[] = [];

async function socket(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  sockets.push(s);
  return s;
}

function collect(s: dgram.Socket): number[] {
  const got: number[] = [];
  s.on('message', (m) => got.push(m.readUInt32BE(0)));
  return got;
}

const packet = (n: number) => {
  const b = Buffer.alloc(1000);
  b.writeUInt32BE(n, 0);
  return b;
};

const until = async (ok: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

afterEach(() => {
  for (const r of relays.splice(0)) r.close();
  for (const s of sockets.splice(0)) s.close();
});

describe('RTP relay of a tap', () => {
  it('keeps what the worker sends until the receiver listens, then hands it over in order and forwards the rest', async () => {
    const relay = await RtpRelay.open();
    relays.push(relay);
    const worker = await socket();
    // 600 packets (600 kB, three times a loopback socket's default buffer) before anyone listens.
    for (let n = 0; n < 600; n++) worker.send(packet(n), relay.port, '127.0.0.1');
    await until(() => relay.counts.received === 600);
    expect(relay.counts).toEqual({ received: 600, forwarded: 0, backlog: 600 });

    const receiver = await socket();
    const got = collect(receiver);
    relay.deliverTo({ host: '127.0.0.1', port: receiver.address().port });
    for (let n = 600; n < 700; n++) worker.send(packet(n), relay.port, '127.0.0.1');
    expect(await relay.drained).toBe(true);
    await until(() => got.length === 700);
    expect(got).toEqual(Array.from({ length: 700 }, (_, n) => n));
  });

  it('sends the receiver\'s RTCP back to the worker', async () => {
    const relay = await RtpRelay.open();
    relays.push(relay);
    const worker = await socket();
    const back = collect(worker);
    relay.setWorker({ host: '127.0.0.1', port: worker.address().port });
    const receiver = await socket();
    relay.deliverTo({ host: '127.0.0.1', port: receiver.address().port });
    receiver.send(packet(42), relay.port, '127.0.0.1');
    await until(() => back.length === 1);
    expect(back).toEqual([42]);
  });

  it('gives up on a receiver that never comes instead of growing without bound', async () => {
    const relay = await RtpRelay.open('127.0.0.1', { maxBacklogBytes: 50_000 });
    relays.push(relay);
    const worker = await socket();
    let overflowed = false;
    void relay.overflowed.then(() => (overflowed = true));
    for (let n = 0; n < 100; n++) worker.send(packet(n), relay.port, '127.0.0.1');
    await until(() => overflowed);
    expect(overflowed).toBe(true);
    expect(relay.counts.backlog).toBeLessThan(60);
  });

  it('fills a muted microphone with Opus silence and renumbers the packets into one unbroken stream', async () => {
    const relay = await RtpRelay.open();
    relays.push(relay);
    relay.fillSilence({ payloadType: 100, ssrc: 1234 });
    const worker = await socket();
    const receiver = await socket();
    const got: Array<{ seq: number; ts: number; ssrc: number; silence: boolean }> = [];
    receiver.on('message', (m) => got.push({ seq: m.readUInt16BE(2), ts: m.readUInt32BE(4), ssrc: m.readUInt32BE(8), silence: m.length === 15 && m[12] === 0xf8 }));
    relay.deliverTo({ host: '127.0.0.1', port: receiver.address().port });
    const rtp = (seq: number, ts: number) => {
      const b = Buffer.alloc(60);
      b.writeUInt8(0x80, 0);
      b.writeUInt8(100, 1);
      b.writeUInt16BE(seq, 2);
      b.writeUInt32BE(ts, 4);
      b.writeUInt32BE(1234, 8);
      return b;
    };
    // Speaking: three packets; muted for ~0.5 s (nothing from the worker); speaking again, its own numbering.
    for (let i = 0; i < 3; i++) worker.send(rtp(500 + i, 90_000 + i * 960), relay.port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 600));
    for (let i = 0; i < 3; i++) worker.send(rtp(503 + i, 200_000 + i * 960), relay.port, '127.0.0.1');
    await until(() => got.filter((g) => !g.silence).length === 6);
    const silence = got.filter((g) => g.silence);
    expect(silence.length).toBeGreaterThanOrEqual(10);
    expect(got.every((g) => g.ssrc === 1234)).toBe(true);
    // One stream: each packet follows the one before, 20 ms (960 ticks) apart, silence included.
    const spoken = got.filter((g) => !g.silence);
    const firstAfter = got.indexOf(spoken[3]!);
    for (let i = 1; i <= firstAfter; i++) {
      expect(got[i]!.seq).toBe((got[i - 1]!.seq + 1) & 0xffff);
      expect(got[i]!.ts).toBe((got[i - 1]!.ts + 960) >>> 0);
    }
  });
});
