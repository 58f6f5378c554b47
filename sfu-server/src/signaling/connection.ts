/**
 * One signaling WebSocket: parses and validates every frame, answers each request exactly once
 * (an error response for anything malformed, unknown or refused), and pushes notifications.
 * Requests of one connection run one after another, in the order they came.
 */
import type { WebSocket } from 'ws';
import {
  isMethod,
  MAX_SIGNALING_FRAME_BYTES,
  RequestEnvelope,
  requests,
  type ErrorBody,
  type Notifications,
  type ResponseEnvelope,
} from '../../../common/protocol';
import { AppError } from '../errors';
import { storeFailureError } from '../store/store-failures';
import type { Logger } from '../observability/logger';
import type { Handlers } from './handlers';

/** Requests allowed per second per connection (a burst of twice that is tolerated). */
const RATE_PER_SECOND = 50;
/**
 * Frames refused for the rate within one second after which the connection is closed (4429): a
 * client that far over its budget is flooding. Every frame costs a token before it is parsed, so a
 * flood costs the server at most a burst and this many cheap refusals per connection (10 000
 * malformed frames in one burst used to hold the event loop for over a second).
 */
const FLOOD_STRIKES = RATE_PER_SECOND * 2;

/** The request id of a frame, if it has one (to answer a refused request by its id). */
function idOf(raw: Buffer): number | null {
  try {
    const id = (JSON.parse(raw.toString('utf8')) as { id?: unknown } | null)?.id;
    return typeof id === 'number' ? id : null;
  } catch {
    return null;
  }
}

/** A notification as it goes on the wire. */
export function notificationFrame<N extends keyof Notifications>(name: N, data: Notifications[N]): string {
  return JSON.stringify({ notification: name, data });
}

/** Pings per heartbeat period: four, at most one a second (and at least one every 5 s). */
export function pingIntervalMs(heartbeatMs: number): number {
  return Math.max(100, Math.min(5000, Math.max(1000, heartbeatMs / 4), heartbeatMs / 2));
}

export interface ConnectionOptions<Ctx> {
  socket: WebSocket;
  handlers: Handlers<Ctx>;
  context: Ctx;
  logger: Logger;
  /**
   * A client heard from by nothing (no frame, no pong) for this long is dropped. Pings go out four
   * times per period, so a pong stuck behind seconds of queued media on a saturated commune link
   * still arrives in time; any frame the client sends counts as well.
   */
  heartbeatMs: number;
  onClose: (ctx: Ctx) => void;
}

export class SignalingConnection<Ctx> {
  readonly #o: ConnectionOptions<Ctx>;
  #queue: Promise<void> = Promise.resolve();
  /** When the client was last heard from (any frame or a pong). */
  #lastHeard = Date.now();
  #closed = false;
  #heartbeat: NodeJS.Timeout;
  #tokens = RATE_PER_SECOND * 2;
  #lastRefill = Date.now();
  /** Frames refused for the rate since `#strikesSince`. */
  #strikes = 0;
  #strikesSince = 0;

  constructor(options: ConnectionOptions<Ctx>) {
    this.#o = options;
    const { socket } = options;
    socket.on('message', (raw, isBinary) => {
      this.#lastHeard = Date.now();
      this.#onFrame(raw as Buffer, isBinary);
    });
    socket.on('pong', () => {
      this.#lastHeard = Date.now();
    });
    socket.on('close', () => this.#finish());
    socket.on('error', (err) => options.logger.warn({ err }, 'signaling socket error'));
    // A client that vanished (killed app, cut cable) stops answering pings: drop it once it has
    // been silent for a whole heartbeat period. Several pings per period, and any frame counts, so
    // a slow answer on a congested line is not taken for a dead client.
    // The verdict waits for setImmediate: after the server itself was busy (a long synchronous
    // task), the timers run before the sockets are read, so what the client sent meanwhile would
    // not have counted yet; the check phase comes after the read. (This, with the e2e server's 2 s
    // heartbeat, was why joins failed on a busy machine and the e2e specs clicked "Tham gia" again.)
    const overdue = () => Date.now() - this.#lastHeard >= options.heartbeatMs;
    this.#heartbeat = setInterval(() => {
      if (!overdue()) {
        socket.ping();
        return;
      }
      setImmediate(() => {
        if (this.#closed) return;
        if (!overdue()) {
          socket.ping();
          return;
        }
        options.logger.info('signaling client stopped answering, closing');
        socket.terminate();
        this.#finish();
      });
    }, pingIntervalMs(options.heartbeatMs));
  }

  notify<N extends keyof Notifications>(name: N, data: Notifications[N]): void {
    this.sendFrame(notificationFrame(name, data));
  }

  /** Sends an already encoded frame (one notification encoded once for many recipients). */
  sendFrame(frame: string): void {
    const { socket } = this.#o;
    if (socket.readyState === socket.OPEN) socket.send(frame);
  }

  #send(frame: unknown): void {
    this.sendFrame(JSON.stringify(frame));
  }

  #error(id: number | null, code: ErrorBody['code'], message: string, details?: unknown): void {
    const body: ErrorBody = details === undefined ? { code, message } : { code, message, details };
    const response: ResponseEnvelope = { id, ok: false, error: body };
    this.#send(response);
  }

  #takeToken(): boolean {
    const now = Date.now();
    this.#tokens = Math.min(RATE_PER_SECOND * 2, this.#tokens + ((now - this.#lastRefill) / 1000) * RATE_PER_SECOND);
    this.#lastRefill = now;
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }

  #onFrame(raw: Buffer, isBinary: boolean): void {
    if (this.#closed) return;
    if (!this.#takeToken()) {
      const now = Date.now();
      if (now - this.#strikesSince > 1000) {
        this.#strikesSince = now;
        this.#strikes = 0;
      }
      if (++this.#strikes >= FLOOD_STRIKES) return this.close(4429, 'too many requests');
      return this.#error(isBinary || raw.length > MAX_SIGNALING_FRAME_BYTES ? null : idOf(raw), 'rate_limited', 'too many requests');
    }
    if (isBinary) return this.#error(null, 'bad_request', 'binary frames are not accepted');
    if (raw.length > MAX_SIGNALING_FRAME_BYTES) return this.#error(null, 'too_large', 'frame too large');
    let parsedJson: unknown;
    try {
      parsedJson = JSON.parse(raw.toString('utf8'));
    } catch {
      return this.#error(null, 'bad_json', 'frame is not valid JSON');
    }
    const envelope = RequestEnvelope.safeParse(parsedJson);
    if (!envelope.success) {
      const id = typeof (parsedJson as { id?: unknown })?.id === 'number' ? (parsedJson as { id: number }).id : null;
      return this.#error(id, 'bad_request', 'not a request envelope', envelope.error.issues);
    }
    const { id, method, data } = envelope.data;
    if (!isMethod(method)) return this.#error(id, 'unknown_method', `unknown method ${method}`);
    const handler = this.#o.handlers[method];
    if (!handler) return this.#error(id, 'unknown_method', `method ${method} is not served here`);
    const input = requests[method].request.safeParse(data ?? {});
    if (!input.success) {
      return this.#error(id, 'bad_request', `invalid data for ${method}`, input.error.issues);
    }
    this.#queue = this.#queue.then(async () => {
      if (this.#closed) return;
      try {
        const result = await (handler as (ctx: Ctx, data: unknown) => Promise<unknown>)(this.#o.context, input.data);
        this.#send({ id, ok: true, data: result ?? {} });
      } catch (thrown) {
        // The database unreachable (restarting) or the disk full: a clear error the client may retry.
        const failure = storeFailureError(thrown);
        if (failure) this.#o.logger.warn({ err: thrown, method, code: failure.code }, 'request failed on the store');
        const err = failure ?? thrown;
        if (err instanceof AppError) return this.#error(id, err.code, err.message, err.details);
        const message = err instanceof Error ? err.message : String(err);
        // mediasoup rejects semantically wrong parameters with TypeError/UnsupportedError.
        if (err instanceof TypeError || (err instanceof Error && err.name === 'UnsupportedError')) {
          return this.#error(id, 'bad_request', message);
        }
        this.#o.logger.error({ err, method }, 'request failed');
        this.#error(id, 'internal', 'internal error');
      }
    });
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    // Let requests already running settle before the peer's resources are released.
    void this.#queue.finally(() => this.#o.onClose(this.#o.context));
  }

  close(code = 1000, reason = ''): void {
    this.#o.socket.close(code, reason);
    this.#finish();
  }
}
