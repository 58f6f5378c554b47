/**
 * Synthetic bridge points for the load benchmark: each has a UDP socket that sends RTP (a 180p
 * VP8 stream, ~150 kbit/s at 30 packets/s, and for unmuted points opus at 50 packets/s with an
 * audio-level header extension) and a UDP socket that receives, counting packets and sequence
 * gaps per SSRC to measure loss.
 */
import dgram from 'node:dgram';

export const VIDEO_PT = 96;
export const AUDIO_PT = 111;
export const AUDIO_LEVEL_EXT_ID = 1;
const VIDEO_PAYLOAD_BYTES = 600;

export interface PointStreams {
  videoSsrc: number;
  audioSsrc: number;
  /** Sends audio (unmuted) and how loud (audio-level dBov, 0 = loudest, 127 = silence). */
  audio: { level: number } | null;
}

interface Received {
  first: number;
  max: number;
  count: number;
}

export class RtpPoint {
  readonly send = dgram.createSocket('udp4');
  readonly recv = dgram.createSocket('udp4');
  readonly streams: PointStreams;
  target: { ip: string; port: number } | null = null;
  #videoSeq = Math.floor(Math.random() * 30000);
  #audioSeq = Math.floor(Math.random() * 30000);
  #videoTs = 0;
  #audioTs = 0;
  readonly received = new Map<number, Received>();
  sent = 0;

  constructor(streams: PointStreams) {
    this.streams = streams;
    this.recv.on('message', (msg) => this.#onPacket(msg));
  }

  async bind(): Promise<number> {
    await new Promise<void>((r) => this.recv.bind(0, '127.0.0.1', () => r()));
    await new Promise<void>((r) => this.send.bind(0, '127.0.0.1', () => r()));
    this.recv.setRecvBufferSize(4 * 1024 * 1024);
    return this.recv.address().port;
  }

  #onPacket(msg: Buffer): void {
    if (msg.length < 12 || (msg[0]! & 0xc0) !== 0x80) return;
    const pt = msg[1]! & 0x7f;
    if (pt >= 72 && pt <= 79) return; // RTCP (multiplexed)
    if (pt === 127) return; // mediasoup's bandwidth probation packets (SSRC 1234), not media
    const seq = msg.readUInt16BE(2);
    const ssrc = msg.readUInt32BE(8);
    const r = this.received.get(ssrc);
    if (!r) this.received.set(ssrc, { first: seq, max: seq, count: 1 });
    else {
      // Sequence numbers unwrapped relative to the first one (windows are short: no double wrap).
      const ext = seq < (r.max & 0xffff) - 30000 ? seq + 65536 : seq;
      if (ext > r.max) r.max = ext;
      r.count++;
    }
  }

  resetCounters(): void {
    this.received.clear();
  }

  /** Expected and received packets since the last reset (only streams with a few packets count). */
  tally(): { expected: number; received: number; streams: number } {
    let expected = 0;
    let received = 0;
    let streams = 0;
    for (const r of this.received.values()) {
      if (r.count < 5) continue;
      streams++;
      expected += r.max - r.first + 1;
      received += Math.min(r.count, r.max - r.first + 1);
    }
    return { expected, received, streams };
  }

  sendVideo(): void {
    if (!this.target) return;
    const pkt = Buffer.alloc(12 + VIDEO_PAYLOAD_BYTES);
    pkt[0] = 0x80;
    pkt[1] = 0x80 | VIDEO_PT; // marker: one packet per frame
    pkt.writeUInt16BE(this.#videoSeq++ & 0xffff, 2);
    pkt.writeUInt32BE((this.#videoTs += 3000) >>> 0, 4);
    pkt.writeUInt32BE(this.streams.videoSsrc, 8);
    // VP8 payload descriptor (S=1, partition 0) and a key frame header for 320×180.
    pkt[12] = 0x10;
    Buffer.from([0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xb4, 0x00]).copy(pkt, 13);
    this.send.send(pkt, this.target.port, this.target.ip);
    this.sent++;
  }

  sendAudio(): void {
    if (!this.target || !this.streams.audio) return;
    const payload = 60;
    const pkt = Buffer.alloc(12 + 8 + payload);
    pkt[0] = 0x90; // V=2, X=1
    pkt[1] = AUDIO_PT;
    pkt.writeUInt16BE(this.#audioSeq++ & 0xffff, 2);
    pkt.writeUInt32BE((this.#audioTs += 960) >>> 0, 4);
    pkt.writeUInt32BE(this.streams.audioSsrc, 8);
    // One-byte header extension: ssrc-audio-level, voice activity bit set.
    pkt.writeUInt16BE(0xbede, 12);
    pkt.writeUInt16BE(1, 14);
    pkt[16] = (AUDIO_LEVEL_EXT_ID << 4) | 0;
    pkt[17] = 0x80 | this.streams.audio.level;
    this.send.send(pkt, this.target.port, this.target.ip);
    this.sent++;
  }

  close(): void {
    this.send.close();
    this.recv.close();
  }
}

/** Drives every point: video every 33 ms, audio every 20 ms, until stopped. */
export function startSending(points: RtpPoint[]): () => void {
  const video = setInterval(() => {
    for (const p of points) p.sendVideo();
  }, 33);
  const audio = setInterval(() => {
    for (const p of points) p.sendAudio();
  }, 20);
  return () => {
    clearInterval(video);
    clearInterval(audio);
  };
}

export function videoParameters(ssrc: number) {
  return {
    codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000, rtcpFeedback: [] }],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname: `pt-${ssrc}`, reducedSize: true },
  };
}

export function audioParameters(ssrc: number) {
  return {
    codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2, rtcpFeedback: [] }],
    headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: AUDIO_LEVEL_EXT_ID }],
    encodings: [{ ssrc }],
    rtcp: { cname: `pt-${ssrc}`, reducedSize: true },
  };
}
