/**
 * The renderer's end of the signaling protocol: typed requests with responses, and notifications.
 * One instance is one WebSocket; reconnecting makes a new instance.
 */
import {
  isNotification,
  MAX_SIGNALING_FRAME_BYTES,
  type ErrorBody,
  type Method,
  type NotificationName,
  type Notifications,
  type RequestData,
  type ResponseData,
  type ServerFrame,
} from '../../../common/protocol';

export class SignalingError extends Error {
  constructor(readonly code: ErrorBody['code'] | 'timeout' | 'closed', message: string) {
    super(message);
    this.name = 'SignalingError';
  }
}

type NotificationHandler = <N extends NotificationName>(name: N, data: Notifications[N]) => void;

interface Pending {
  resolve: (data: unknown) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class SignalingClient {
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #onNotification: NotificationHandler = () => {};
  #onClose: (code: number, reason: string) => void = () => {};
  #lastHeardAt = Date.now();
  readonly opened: Promise<void>;

  /**
   * `timeoutMs`: how long a request may go unanswered. Generous: on a commune link the answer can
   * wait behind seconds of queued media and TCP retransmissions.
   */
  constructor(url: string, readonly timeoutMs = 20_000) {
    this.#ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.#ws.addEventListener('open', () => resolve(), { once: true });
      this.#ws.addEventListener('error', () => reject(new SignalingError('closed', 'cannot reach the server')), { once: true });
    });
    this.#ws.addEventListener('message', (ev) => {
      this.#lastHeardAt = Date.now();
      this.#onMessage(ev.data);
    });
    this.#ws.addEventListener('close', (ev) => {
      for (const p of this.#pending.values()) {
        clearTimeout(p.timer);
        p.reject(new SignalingError('closed', 'connection closed'));
      }
      this.#pending.clear();
      this.#onClose(ev.code, ev.reason);
    });
  }

  /** When the server was last heard from (any frame: answer or notification), in ms since the epoch. */
  get lastHeardAt(): number {
    return this.#lastHeardAt;
  }

  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  onNotification(handler: NotificationHandler): void {
    this.#onNotification = handler;
  }

  onClose(handler: (code: number, reason: string) => void): void {
    this.#onClose = handler;
  }

  request<M extends Method>(method: M, data: RequestData<M>): Promise<ResponseData<M>> {
    const id = this.#nextId++;
    const text = JSON.stringify({ id, method, data });
    if (text.length > MAX_SIGNALING_FRAME_BYTES) return Promise.reject(new SignalingError('too_large', 'request too large'));
    return new Promise((resolve, reject) => {
      if (!this.isOpen) return reject(new SignalingError('closed', 'not connected'));
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new SignalingError('timeout', `${method} timed out`));
      }, this.timeoutMs);
      this.#pending.set(id, { resolve: resolve as (d: unknown) => void, reject, timer });
      this.#ws.send(text);
    });
  }

  #onMessage(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(raw) as ServerFrame;
    } catch {
      return;
    }
    if (isNotification(frame)) {
      this.#onNotification(frame.notification as NotificationName, frame.data as never);
      return;
    }
    if (frame.id === null) return;
    const pending = this.#pending.get(frame.id);
    if (!pending) return;
    this.#pending.delete(frame.id);
    clearTimeout(pending.timer);
    if (frame.ok) pending.resolve(frame.data);
    else pending.reject(new SignalingError(frame.error.code, frame.error.message));
  }

  close(): void {
    this.#ws.close(1000, 'bye');
  }
}
