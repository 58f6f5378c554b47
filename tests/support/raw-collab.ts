/** A raw y-websocket peer for tests that need to see (or send) exactly which frames go over the wire. */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import WebSocket from 'ws';
import * as Y from 'yjs';

export class RawCollabPeer {
  readonly frames: Uint8Array[] = [];
  closed: { code: number; reason: string } | null = null;
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.frames.push(new Uint8Array(data)));
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static async open(serverUrl: string, name: string, token: string): Promise<RawCollabPeer> {
    const ws = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}/collab/${name}?access_token=${encodeURIComponent(token)}`);
    const peer = new RawCollabPeer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    // The server's sync step 1 comes first.
    await peer.until(() => peer.frames.length > 0);
    return peer;
  }

  /** Awareness frames received (decoded: client ids in each), keep-alives (no clients) included. */
  awarenessFrames(): number[][] {
    const out: number[][] = [];
    for (const f of this.frames) {
      const d = decoding.createDecoder(f);
      if (decoding.readVarUint(d) !== 1) continue;
      const u = decoding.createDecoder(decoding.readVarUint8Array(d));
      const n = decoding.readVarUint(u);
      const ids: number[] = [];
      for (let i = 0; i < n; i++) {
        ids.push(decoding.readVarUint(u));
        decoding.readVarUint(u);
        decoding.readVarString(u);
      }
      out.push(ids);
    }
    return out;
  }

  send(frame: Uint8Array): void {
    this.ws.send(frame);
  }

  /** Sends this peer's awareness state (as a provider would). */
  sendAwareness(state: Record<string, unknown>, clientIds: number[] = [this.doc.clientID]): void {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    const u = encoding.createEncoder();
    encoding.writeVarUint(u, clientIds.length);
    for (const id of clientIds) {
      encoding.writeVarUint(u, id);
      encoding.writeVarUint(u, Date.now() % 1_000_000);
      encoding.writeVarString(u, JSON.stringify(state));
    }
    encoding.writeVarUint8Array(e, encoding.toUint8Array(u));
    this.send(encoding.toUint8Array(e));
  }

  /** Sends a Yjs update (sync message type 2). */
  sendUpdate(update: Uint8Array): void {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeUpdate(e, update);
    this.send(encoding.toUint8Array(e));
  }

  /** Sends a sync step 1 (asks the server for what this peer lacks). */
  sendStep1(): void {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep1(e, this.doc);
    this.send(encoding.toUint8Array(e));
  }

  async until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async closedWith(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    await this.until(() => this.closed !== null, timeoutMs);
    return this.closed!;
  }

  close(): void {
    this.ws.close();
  }
}
