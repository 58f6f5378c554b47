/** A Node signaling client for tests: raw frames, typed requests, and the notifications received. */
import WebSocket from 'ws';
import type { Method, RequestData, ResponseData, ServerFrame } from '../../common/protocol';

export class TestSignalingClient {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[] = [];
  readonly notifications: { name: string; data: unknown }[] = [];
  #nextId = 1;
  #waiters: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as ServerFrame;
      this.frames.push(frame);
      if ('notification' in frame) this.notifications.push({ name: frame.notification, data: frame.data });
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static async connect(serverUrl: string, token: string): Promise<TestSignalingClient> {
    const ws = new WebSocket(serverUrl.replace(/^http/, 'ws') + '/ws', { headers: { authorization: `Bearer ${token}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new TestSignalingClient(ws);
  }

  /** Sends raw text and resolves with the next response frame (one that has an `id` key). */
  async raw(text: string | Buffer): Promise<ServerFrame> {
    const seen = this.frames.length;
    this.ws.send(text);
    return this.waitFor(() => this.frames.slice(seen).find((f) => 'id' in f));
  }

  async request<M extends Method>(method: M, data: RequestData<M> | Record<string, unknown>): Promise<ResponseData<M>> {
    const frame = await this.requestFrame(method, data);
    if (!('ok' in frame) || !frame.ok) throw Object.assign(new Error(`${method} failed: ${JSON.stringify(frame)}`), { frame });
    return frame.data as ResponseData<M>;
  }

  async requestFrame(method: string, data: unknown): Promise<ServerFrame> {
    const id = this.#nextId++;
    this.ws.send(JSON.stringify({ id, method, data }));
    return this.waitFor(() => this.frames.find((f) => 'id' in f && f.id === id));
  }

  async waitFor<T>(find: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  async notification(name: string, match: (data: any) => boolean = () => true): Promise<any> {
    return this.waitFor(() => this.notifications.find((n) => n.name === name && match(n.data))?.data);
  }

  close(): void {
    this.ws.close();
  }
}
