/**
 * The server's own receiving side of a media tap (`plain-tap.ts`): a UDP socket bound by this
 * process before the tap's PlainTransport is connected, so the worker always has somewhere to send
 * from the first packet on, whatever the receiving process (ffmpeg) is doing.
 *
 * Until `deliverTo()` names the receiver, every packet is kept in order (the backlog, bounded by
 * `maxBacklogBytes`); then the backlog is handed over in small paced bursts (a loopback socket
 * buffer holds ~200 KB, and a busy ffmpeg reads it late) and later packets follow as they come.
 * RTCP the receiver sends back (receiver reports, on the RTP port: rtcp-mux) goes to the worker.
 *
 * Why: ffmpeg binds its input port only after it has loaded and parsed its SDP, which took more
 * than 10 s on a machine at load ~50; media sent before that was lost, and runs that waited for it
 * gave up. With the server owning the socket, a slow ffmpeg costs a delay, not the first seconds of
 * a speaker.
 */
import dgram from 'node:dgram';

export interface RelayTarget {
  host: string;
  port: number;
}

/** An Opus frame of silence (20 ms, CELT, one frame): what a muted microphone is replaced with. */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);
const OPUS_FRAME_TICKS = 960;
/** A microphone silent this long is filled in (RTP audio arrives every 20 ms). */
const FILL_AFTER_MS = 120;

export interface SilenceFill {
  payloadType: number;
  ssrc: number;
}

export interface RtpRelayOptions {

  /** Backlog kept while no receiver is named (default 32 MiB; beyond it the relay overflows). */
  maxBacklogBytes?: number;
  /** Packets sent per burst while handing the backlog over, and the pause between bursts. */
  burstPackets?: number;
  burstPauseMs?: number;
}

export class RtpRelay {
  readonly host: string;
  readonly port: number;
  /** Resolves true once the backlog was handed over to the receiver; false if the relay closed first. */
  readonly drained: Promise<boolean>;
  /** Resolves when the backlog outgrew its bound (the receiver never came): the stream is cut. */
  readonly overflowed: Promise<void>;
  readonly #socket: dgram.Socket;
  readonly #max: number;
  readonly #burst: number;
  readonly #pause: number;
  #backlog: Buffer[] = [];
  #backlogBytes = 0;
  #target: RelayTarget | null = null;
  /** Where the worker sends from (RTCP from the receiver goes back there). */
  #worker: RelayTarget | null = null;
  #flushing = false;
  #closed = false;
  #received = 0;
  #forwarded = 0;
  #fill: (SilenceFill & { seq: number; ts: number; lastAt: number; sentTo: number; gap: boolean; seqOffset: number; tsOffset: number; timer: NodeJS.Timeout }) | null = null;
  #resolveDrained: (ok: boolean) => void = () => {};
  #resolveOverflow: () => void = () => {};

  private constructor(socket: dgram.Socket, host: string, options: RtpRelayOptions) {
    this.#socket = socket;
    this.host = host;
    this.port = socket.address().port;
    this.#max = options.maxBacklogBytes ?? 32 * 1024 * 1024;
    this.#burst = options.burstPackets ?? 32;
    this.#pause = options.burstPauseMs ?? 8;
    this.drained = new Promise((resolve) => (this.#resolveDrained = resolve));
    this.overflowed = new Promise((resolve) => (this.#resolveOverflow = resolve));
    socket.on('message', (msg, from) => this.#onMessage(msg, from));
    // A receiver that is not there yet (ICMP port unreachable) must not end the relay.
    socket.on('error', () => undefined);
  }

  /** Binds a socket on host (loopback by default) at a port of the system's choice. */
  static async open(host = '127.0.0.1', options: RtpRelayOptions = {}): Promise<RtpRelay> {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new RtpRelay(socket, host, options);
  }

  /** Packets received from the worker and packets sent on to the receiver so far. */
  get counts(): { received: number; forwarded: number; backlog: number } {
    return { received: this.#received, forwarded: this.#forwarded, backlog: this.#backlog.length };
  }

  get delivering(): boolean {
    return this.#target !== null;
  }

  /**
   * Keeps an Opus stream going while its producer is paused (a muted microphone sends nothing): the
   * relay sends frames of silence in its place and renumbers the packets (sequence numbers,
   * timestamps) so the receiver sees one unbroken stream. A live mix reading a muted microphone then
   * neither waits on it nor has to be restarted when it is unmuted. (The worker's sender reports,
   * which describe the original numbering, are no longer passed on.)
   */
  fillSilence(fill: SilenceFill): void {
    if (this.#fill || this.#closed) return;
    const timer = setInterval(() => this.#fillIn(), 20);
    timer.unref();
    this.#fill = { ...fill, seq: Math.floor(Math.random() * 0x8000), ts: 0, lastAt: Date.now(), sentTo: Date.now(), gap: true, seqOffset: 0, tsOffset: 0, timer };
  }

  /** Names the worker's address (so the receiver's RTCP can go back to it). */
  setWorker(worker: RelayTarget): void {
    this.#worker = worker;
  }

  /** From now on, packets go to the receiver: the backlog first (paced), then the live ones. */
  deliverTo(target: RelayTarget): void {
    if (this.#closed) return;
    this.#target = target;
    void this.#flush();
  }

  /**
   * Tells the receiver the stream ended: an RTCP BYE for `ssrc` (ffmpeg's RTP demuxer ends its
   * input when every stream got one, then finishes its files and exits by itself).
   */
  bye(ssrc: number): Promise<void> {
    const t = this.#target;
    if (this.#closed || !t) return Promise.resolve();
    const packet = Buffer.alloc(8);
    packet.writeUInt8(0x81, 0); // V=2, one source
    packet.writeUInt8(203, 1); // BYE
    packet.writeUInt16BE(1, 2); // length in 32-bit words minus one
    packet.writeUInt32BE(ssrc >>> 0, 4);
    return new Promise((resolve) => this.#socket.send(packet, t.port, t.host, () => resolve()));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#fill) clearInterval(this.#fill.timer);
    this.#backlog = [];
    this.#backlogBytes = 0;
    this.#resolveDrained(false);
    this.#socket.close();
  }

  #onMessage(msg: Buffer, from: dgram.RemoteInfo): void {
    if (this.#closed) return;
    const t = this.#target;
    if (t && from.port === t.port && from.address === t.host) {
      // RTCP from the receiver: back to the worker.
      if (this.#worker) this.#socket.send(msg, this.#worker.port, this.#worker.host);
      return;
    }
    this.#received++;
    if (this.#fill) {
      // RTCP from the worker (sender reports) would describe the original numbering: not passed on.
      if (msg.length < 12 || (msg[1]! >= 200 && msg[1]! <= 206)) return;
      msg = this.#renumber(msg);
    }
    if (t && !this.#flushing && this.#backlog.length === 0) {
      this.#send(msg, t);
      return;
    }
    this.#backlog.push(msg);
    this.#backlogBytes += msg.length;
    if (this.#backlogBytes > this.#max) {
      this.#backlog = [];
      this.#backlogBytes = 0;
      this.#resolveOverflow();
    }
  }

  #send(msg: Buffer, t: RelayTarget): void {
    this.#forwarded++;
    this.#socket.send(msg, t.port, t.host);
  }

  /** A packet from the worker, renumbered to follow the last one sent (after silence, if any). */
  #renumber(msg: Buffer): Buffer {
    const f = this.#fill!;
    const seq = msg.readUInt16BE(2);
    const ts = msg.readUInt32BE(4);
    if (f.gap) {
      f.seqOffset = (f.seq + 1 - seq) & 0xffff;
      f.tsOffset = (f.ts + OPUS_FRAME_TICKS - ts) >>> 0;
      f.gap = false;
    }
    const out = Buffer.from(msg);
    f.seq = (seq + f.seqOffset) & 0xffff;
    f.ts = (ts + f.tsOffset) >>> 0;
    out.writeUInt16BE(f.seq, 2);
    out.writeUInt32BE(f.ts, 4);
    f.lastAt = Date.now();
    f.sentTo = f.lastAt;
    return out;
  }

  /** While the microphone is silent (paused), 20-ms frames of silence keep its stream going. */
  #fillIn(): void {
    const f = this.#fill;
    const t = this.#target;
    if (!f || !t || this.#closed || this.#flushing) return;
    const now = Date.now();
    if (now - f.lastAt < FILL_AFTER_MS) return;
    for (let n = 0; f.sentTo + 20 <= now && n < 25; n++) {
      f.sentTo += 20;
      f.seq = (f.seq + 1) & 0xffff;
      f.ts = (f.ts + OPUS_FRAME_TICKS) >>> 0;
      const packet = Buffer.alloc(12 + OPUS_SILENCE.length);
      packet.writeUInt8(0x80, 0);
      packet.writeUInt8(f.payloadType & 0x7f, 1);
      packet.writeUInt16BE(f.seq, 2);
      packet.writeUInt32BE(f.ts, 4);
      packet.writeUInt32BE(f.ssrc >>> 0, 8);
      OPUS_SILENCE.copy(packet, 12);
      this.#send(packet, t);
    }
    if (now - f.sentTo > 1000) f.sentTo = now;
    f.gap = true;
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (!this.#closed && this.#target && this.#backlog.length > 0) {
        const batch = this.#backlog.splice(0, this.#burst);
        for (const msg of batch) {
          this.#backlogBytes -= msg.length;
          this.#send(msg, this.#target);
        }
        if (this.#backlog.length > 0) await new Promise((r) => setTimeout(r, this.#pause));
      }
    } finally {
      this.#flushing = false;
    }
    if (!this.#closed && this.#target) this.#resolveDrained(true);
  }
}
