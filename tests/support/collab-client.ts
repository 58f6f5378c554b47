/** A stock y-websocket client in Node (the `ws` package as its WebSocket), as any integration would use it. */
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export interface StockClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Close codes seen so far. */
  closes: { code: number; reason: string }[];
  destroy(): void;
}

export function stockClient(serverUrl: string, docName: string, token: string | null, doc = new Y.Doc()): StockClient {
  const url = serverUrl.replace(/^http/, 'ws') + '/collab';
  const provider = new WebsocketProvider(url, docName, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: token ? { access_token: token } : {},
    disableBc: true,
  });
  const closes: { code: number; reason: string }[] = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  return {
    doc,
    provider,
    closes,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export function synced(client: StockClient, timeoutMs = 10_000): Promise<void> {
  if (client.provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not synced within ${timeoutMs} ms (closes: ${JSON.stringify(client.closes)})`)), timeoutMs);
    const onSync = (s: boolean) => {
      if (!s) return;
      clearTimeout(timer);
      client.provider.off('sync', onSync);
      resolve();
    };
    client.provider.on('sync', onSync);
  });
}

/** Resolves with the first close of the connection (refused connections close at once). */
export function firstClose(client: StockClient, timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
  if (client.closes[0]) return Promise.resolve(client.closes[0]);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no close')), timeoutMs);
    client.provider.on('connection-close', (event) => {
      clearTimeout(timer);
      resolve({ code: event?.code ?? 0, reason: event?.reason ?? '' });
    });
  });
}

/** Polls until `check` passes (for state arriving from other clients). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
