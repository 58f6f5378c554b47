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
