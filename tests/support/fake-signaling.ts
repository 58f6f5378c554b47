/**
 * A signaling connection for unit tests of the conference's sessions, without a server: requests
 * are answered by handlers the test gives (or `{}`), notifications and the server's close are sent
 * by the test. Everything asked is recorded.
 */
import type { Method, NotificationName, Notifications, RequestData, ResponseData } from '../../common/protocol';
import { SignalingError } from '../../renderer/src/net/signaling-client';
import type { SignalingConnection } from '../../renderer/src/features/conference/signaling-session';

type Handler = (data: never, conn: FakeConnection) => unknown;
export type Handlers = Partial<Record<Method, Handler>>;

export class FakeConnection implements SignalingConnection {
  readonly opened = Promise.resolve();
  isOpen = true;
  lastHeardAt = Date.now();
  closedByClient = false;
  readonly requests: { method: Method; data: unknown }[] = [];
  #notify: (name: NotificationName, data: never) => void = () => {};
  #close: (code: number, reason: string) => void = () => {};

  constructor(readonly handlers: Handlers = {}) {}

  request<M extends Method>(method: M, data: RequestData<M>): Promise<ResponseData<M>> {
    if (!this.isOpen) return Promise.reject(new SignalingError('closed', 'not connected'));
    this.requests.push({ method, data });
    const h = this.handlers[method];
    try {
      return Promise.resolve((h ? h(data as never, this) : {}) as ResponseData<M>);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  onNotification(handler: <N extends NotificationName>(name: N, data: Notifications[N]) => void): void {
    this.#notify = handler as (name: NotificationName, data: never) => void;
  }

  onClose(handler: (code: number, reason: string) => void): void {
    this.#close = handler;
  }

  close(): void {
    this.isOpen = false;
    this.closedByClient = true;
  }

  /** The server sends a notification (lost once the connection is closed, as on a WebSocket). */
  notify<N extends NotificationName>(name: N, data: Notifications[N]): void {
    if (!this.isOpen) return;
    this.#notify(name, data as never);
  }

  /** The server (or the network) closes the connection. */
  serverClose(code: number): void {
    this.isOpen = false;
    this.#close(code, '');
  }

  methods(): Method[] {
    return this.requests.map((r) => r.method);
  }
}

/** A refusal as the server sends it. */
export function refusal(code: string): SignalingError {
  return new SignalingError(code as never, code);
}

/** Waits until `check` holds (polling the microtask and timer queues), or fails after `ms`. */
export async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
