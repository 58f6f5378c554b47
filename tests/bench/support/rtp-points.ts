/**
 * Synthetic bridge points for the load benchmark: each has a UDP socket that sends RTP (a 180p
 * VP8 stream, ~150 kbit/s at 30 packets/s, and for unmuted points opus at 50 packets/s with an
 * audio-level header extension) and a UDP socket that receives, counting packets and sequence
 * gaps per SSRC to measure loss. Every payload carries its send instant (this process's
 * `performance.now()`, 8 bytes at payload offset 16; the SFU forwards payloads untouched), so the
 * receiving socket measures one-way delay through the SFU. With `useSrtp` the point encrypts what
 * it sends and decrypts (and authenticates) what it receives with werift's SRTP (RFC 3711 /
 * RFC 7714): keys exchanged SDES-style with the server's plain transports (`enableSrtp`).
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80, RtpPacket, SrtpSession } from 'werift-rtp';

export const VIDEO_PT = 96;
export const AUDIO_PT = 111;
export const AUDIO_LEVEL_EXT_ID = 1;
const VIDEO_PAYLOAD_BYTES = 600;
/** Where in the payload the send instant is written (after the VP8 descriptor and key frame header). */
const STAMP_OFFSET = 16;

/** SRTP suites both werift (the points) and mediasoup (the SFU) carry, and their key + salt sizes. */
export const POINT_SRTP_SUITES = {
  AEAD_AES_128_GCM: { profile: ProtectionProfileAeadAes128Gcm, key: 16, salt: 12 },
  AES_CM_128_HMAC_SHA1_80: { profile: ProtectionProfileAes128CmHmacSha1_80, key: 16, salt: 14 },
} as const;
export type PointSrtpSuite = keyof typeof POINT_SRTP_SUITES;

/** A fresh master key and salt for `suite`, base64 (as SDES and mediasoup's srtpParameters carry them). */
export function newSrtpKey(suite: PointSrtpSuite): string {
  const { key, salt } = POINT_SRTP_SUITES[suite];
  return randomBytes(key + salt).toString('base64');
}

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
  /** One-way delays (ms) of the media packets received since the last reset. */
  delays: number[] = [];
  /** Received SRTP packets that failed authentication (or could not be decrypted). */
  authFailures = 0;
  sent = 0;
  /**
   * Whether received packets are opened: SRTP decrypted and authenticated, and their send
   * instants read (one-way delay). When false only the headers (in the clear in SRTP too) are
   * counted: a generator for hundreds of points spends its CPU on a sample of receivers only.
   */
  inspect = true;
  #srtp: SrtpSession | null = null;

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

  /**
   * From now on, packets sent are SRTP with `localKey` and packets received must be SRTP with
   * `remoteKey` (the SFU's), both base64 key + salt of `suite`.
   */
  useSrtp(suite: PointSrtpSuite, localKey: string, remoteKey: string): void {
    const { profile, key } = POINT_SRTP_SUITES[suite];
    const local = Buffer.from(localKey, 'base64');
    const remote = Buffer.from(remoteKey, 'base64');
    this.#srtp = new SrtpSession({
      profile,
      keys: { localMasterKey: local.subarray(0, key), localMasterSalt: local.subarray(key), remoteMasterKey: remote.subarray(0, key), remoteMasterSalt: remote.subarray(key) },
    });
  }

  #onPacket(raw: Buffer): void {
    if (raw.length < 12 || (raw[0]! & 0xc0) !== 0x80) return;
    const pt = raw[1]! & 0x7f;
    if (pt >= 72 && pt <= 79) return; // RTCP (multiplexed)
    if (pt === 127) return; // mediasoup's bandwidth probation packets (SSRC 1234), not media
    let msg = raw;
    if (this.inspect) {
      if (this.#srtp) {
        try {
          msg = this.#srtp.decrypt(raw);
        } catch {
          this.authFailures++;
          return;
        }
      }
      this.#recordDelay(msg);
    }
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

  #recordDelay(msg: Buffer): void {
    let offset = 12 + (msg[0]! & 0x0f) * 4;
    if (msg[0]! & 0x10 && msg.length >= offset + 4) offset += 4 + msg.readUInt16BE(offset + 2) * 4;
    if (msg.length < offset + STAMP_OFFSET + 8) return;
    const delay = performance.now() - msg.readDoubleBE(offset + STAMP_OFFSET);
    if (delay >= 0 && delay < 60_000) this.delays.push(delay);
  }

  resetCounters(): void {
    this.received.clear();
    this.delays = [];
    this.authFailures = 0;
  }

  #emit(pkt: Buffer, payloadOffset: number): void {
    pkt.writeDoubleBE(performance.now(), payloadOffset + STAMP_OFFSET);
    let out = pkt;
    if (this.#srtp) {
      const rtp = RtpPacket.deSerialize(pkt);
      out = this.#srtp.encrypt(rtp.payload, rtp.header);
    }
    this.send.send(out, this.target!.port, this.target!.ip);
    this.sent++;
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
    this.#emit(pkt, 12);
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
    this.#emit(pkt, 20);
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
