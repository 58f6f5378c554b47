/**
 * Malformed frames for the two WebSocket endpoints: /ws (signaling, JSON) from a signed-in
 * attacker and from sockets that never authenticated, and /collab (y-websocket binary messages).
 * Each attack returns what the attacker got back, for the tests to check that it was refused.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';

/** The kinds of bad signaling frames, one per index (cycled). `n` makes each one a little different. */
const SIGNALING_KINDS: ((n: number) => string | Buffer)[] = [
  (n) => `{"id":${n},"method":"join","data":{`, // truncated JSON
  () => 'không phải JSON',
  (n) => JSON.stringify({ id: `x${n}`, method: 'join', data: {} }), // id of the wrong type
  (n) => JSON.stringify({ id: n, method: 42, data: null }),
  (n) => JSON.stringify({ id: n, method: 'join', data: { meetingId: n } }), // data of the wrong type
  (n) => JSON.stringify({ id: n, method: `khong.co.${n}`, data: {} }), // unknown method
  () => JSON.stringify([1, 2, 3]),
  () => 'null',
  (n) => JSON.stringify({ id: n, method: 'produce', data: { transportId: 'x'.repeat(4000), kind: 'hologram', rtpParameters: { codecs: 'all' } } }),
  (n) => Buffer.from([0xde, 0xad, 0xbe, 0xef, n & 0xff]), // binary
  () => '['.repeat(3000) + ']'.repeat(3000), // deep nesting
  (n) => `{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"id":${n},"method":"join","data":{"__proto__":{"meetingId":"x"}}}`,
  (n) => JSON.stringify({ id: n, method: 'vote.cast', data: { voteId: '../../etc/passwd', choice: '<script>' } }),
  (n) => JSON.stringify({ id: Number.MAX_SAFE_INTEGER + n, method: 'chat.send', data: { text: '\u0000\uffff'.repeat(100) } }),
];

/** Above MAX_SIGNALING_FRAME_BYTES (64 KiB), below the hard limit: answered `too_large`. */
const bigFrame = (n: number) => JSON.stringify({ id: n, method: 'join', data: { meetingId: 'a'.repeat(100 * 1024) } });

export function malformedSignalingFrame(i: number): string | Buffer {
  // One in a hundred is oversized (100 KiB): 10 000 frames then carry ~10 MB.
  if (i % 100 === 99) return bigFrame(i);
  return SIGNALING_KINDS[i % SIGNALING_KINDS.length]!(i);
}

export interface SignalingFloodResult {
  sent: number;
  /** Frames answered, and the error responses among them by code. */
  answered: number;
  errors: Record<string, number>;
  /** Frames that were answered ok (none should be). */
  accepted: number;
  /** How the server ended the connection (null: still open after everything was answered). */
  close: { code: number; reason: string } | null;
}

function openSignaling(url: string, token: string): Promise<WebSocket> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws', { headers: { authorization: `Bearer ${token}` } });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/**
 * `count` malformed frames as fast as the socket takes them; resolves when the server has closed
 * the connection or answered every frame (waiting at most 60 s).
 */
export async function floodSignaling(url: string, token: string, count: number): Promise<SignalingFloodResult> {
  const ws = await openSignaling(url, token);
  const errors: Record<string, number> = {};
  let answered = 0;
  let accepted = 0;
  let close: SignalingFloodResult['close'] = null;
  let settle = () => {};
  ws.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as { id?: unknown; ok?: boolean; error?: { code: string } };
    if (!('id' in frame)) return; // notifications
    answered++;
    if (frame.ok) accepted++;
    else if (frame.error) errors[frame.error.code] = (errors[frame.error.code] ?? 0) + 1;
    if (answered >= count) settle();
  });
  ws.once('close', (code, reason) => {
    close = { code, reason: reason.toString() };
    settle();
  });
  let sent = 0;
  for (let i = 0; i < count && ws.readyState === ws.OPEN; i++) {
    ws.send(malformedSignalingFrame(i));
    sent++;
    // Let the socket drain now and then, and the conference's clients in this process answer
    // their heartbeats (the flood still arrives far faster than any client sends).
    if (ws.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 5));
    else if (i % 200 === 199) await new Promise((r) => setImmediate(r));
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`neither closed nor all answered: ${answered} of ${count} answered`)), 60_000);
    settle = () => {
      clearTimeout(timer);
      resolve();
    };
    if (close || answered >= count) settle();
  });
  if (!close) ws.close();
  return { sent, answered, errors, accepted, close };
}

/** One frame above the hard limit (1 MiB) on a fresh connection: how the server closes it. */
export async function aboveHardLimit(url: string, token: string): Promise<{ code: number; reason: string }> {
  const ws = await openSignaling(url, token);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('error', () => undefined);
  ws.send(Buffer.alloc(2 * 1024 * 1024, 0x20).toString());
  return Promise.race([closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not closed after a frame above the hard limit')), 10_000))]);
}

/** A client WebSocket frame (masked), as the first bytes after an upgrade request. */
function maskedFrame(payload: Buffer, opcode = 0x1): Buffer {
  const mask = randomBytes(4);
  const len = payload.length;
  const header = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([header, mask, body]);
}

export interface UnauthenticatedResult {
  sockets: number;
  frames: number;
  /** Status lines of the answers, counted. */
  answers: Record<string, number>;
  /** Sockets the server ended (all should be). */
  closedByServer: number;
}

/**
 * `sockets` raw TCP connections to `path`, each an upgrade request with no token or a forged one
 * followed at once by `framesEach` WebSocket frames (as a client that does not wait for the
 * answer would), `concurrency` at a time. The server must answer 401 and close, reading nothing.
 */
export async function unauthenticatedFrames(url: string, path: string, sockets: number, framesEach: number, concurrency = 50): Promise<UnauthenticatedResult> {
  const { hostname, port } = new URL(url);
  const answers: Record<string, number> = {};
  let closedByServer = 0;
  let next = 0;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const socket = net.connect(Number(port), hostname);
      let head = '';
      const timer = setTimeout(() => {
        answers['no answer in 10 s'] = (answers['no answer in 10 s'] ?? 0) + 1;
        socket.destroy();
        resolve();
      }, 10_000);
      socket.on('data', (d) => (head += d.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearTimeout(timer);
        const status = head.split('\r\n')[0] || '(closed without an answer)';
        answers[status] = (answers[status] ?? 0) + 1;
        closedByServer++;
        resolve();
      });
      const auth = i % 3 === 0 ? '' : i % 3 === 1 ? 'Authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.\r\n' : `Cookie: ph_access=${randomBytes(40).toString('base64url')}\r\n`;
      const frames: Buffer[] = [];
      for (let f = 0; f < framesEach; f++) frames.push(maskedFrame(Buffer.from(malformedSignalingFrame(f + i).toString().slice(0, 2000))));
      socket.write(
        Buffer.concat([
          Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${auth}\r\n`),
          ...frames,
        ]),
      );
    });
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < sockets) await one(next++);
  });
  await Promise.all(workers);
  return { sockets, frames: sockets * framesEach, answers, closedByServer };
}

/** Malformed y-websocket messages (varUint message type, then the y-protocols payload). */
const COLLAB_KINDS: ((n: number) => Uint8Array)[] = [
  () => new Uint8Array([]), // empty
  () => new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // truncated varint type
  (n) => new Uint8Array([7 + (n % 50)]), // unknown message type
  () => new Uint8Array([0, 9]), // unknown sync message
  () => new Uint8Array([0, 2, 0xff, 0xff, 0xff, 0x7f, 1, 2]), // update claiming 256 MiB, truncated
  (n) => new Uint8Array([0, 2, 8, 1, 0xc8, 0x01, n & 0x7f, 5, 0xff, 0xff, 0x7f]), // update: structs of garbage
  () => new Uint8Array([0, 0, 3, 0xff, 0xff, 0xff, 0xff]), // step 1 with a broken state vector
  () => new Uint8Array([0, 1, 4, 0, 0, 0xff, 0xff]), // step 2 with a truncated body
  () => new Uint8Array([1, 0xff, 0xff]), // awareness, truncated length
  () => new Uint8Array([1, 6, 1, 0x80, 0x01, 1, 1, 0x7b]), // awareness: truncated varint client id and JSON
  (n) => new Uint8Array([1, 9, 1, n & 0x7f, 1, 5, 0x7b, 0x7b, 0x7b, 0x7b, 0x7b]), // awareness: state that is not JSON
  () => new Uint8Array(randomBytes(64)),
];

export function malformedCollabMessage(i: number): Uint8Array {
  return COLLAB_KINDS[i % COLLAB_KINDS.length]!(i);
}

export interface CollabFloodResult {
  connections: number;
  frames: number;
  /** Close codes the server sent, counted. */
  closes: Record<number, number>;
}

/**
 * `connections` authenticated connections to the layer, each sending `framesEach` malformed
 * messages at once (every tenth connection sends text frames instead), `concurrency` at a time.
 */
export async function floodCollab(url: string, token: string, docName: string, connections: number, framesEach: number, concurrency = 10): Promise<CollabFloodResult> {
  const closes: Record<number, number> = {};
  let next = 0;
  let kind = 0;
  const one = (c: number) =>
    new Promise<void>((resolve) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/collab/${docName}`, { headers: { authorization: `Bearer ${token}` } });
      const timer = setTimeout(() => {
        closes[-1] = (closes[-1] ?? 0) + 1; // not closed by the server within 20 s
        ws.terminate();
      }, 20_000);
      ws.on('error', () => undefined);
      ws.on('open', () => {
        for (let f = 0; f < framesEach; f++) {
          if (c % 10 === 9) ws.send(`văn bản ${f}`);
          else ws.send(malformedCollabMessage(kind++));
        }
      });
      ws.on('close', (code) => {
        clearTimeout(timer);
        closes[code] = (closes[code] ?? 0) + 1;
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < connections) await one(next++);
    }),
  );
  return { connections, frames: connections * framesEach, closes };
}
