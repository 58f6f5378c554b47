/**
 * Abusive HTTP requests: bodies far above a route's limit, and slowloris (many connections that
 * send their headers or their body a few bytes per second and never finish).
 */
import net from 'node:net';

export interface OversizedResult {
  status: number;
  /** Bytes the attacker had written when the answer came (the server should not read them all). */
  sentBeforeAnswer: number;
  ms: number;
}

/**
 * POSTs a body announced (and sent) as `bytes` long (`prefix`, then filler in 64 KiB chunks as fast
 * as the socket takes them), and stops sending once the server answers or closes.
 */
export function oversizedPost(url: string, path: string, bytes: number, headers: Record<string, string> = {}, prefix: Uint8Array = new Uint8Array(0)): Promise<OversizedResult> {
  const { hostname, port } = new URL(url);
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let sent = 0;
    let head = '';
    let answeredAt = -1;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, sentBeforeAnswer: answeredAt >= 0 ? answeredAt : sent, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => (done ? undefined : (socket.destroy(), reject(new Error(`no answer to ${bytes} bytes in 60 s (${sent} sent)`)))), 60_000);
    socket.on('data', (d) => {
      if (answeredAt < 0) answeredAt = sent;
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) setTimeout(finish, 50);
    });
    socket.on('error', () => finish());
    socket.on('close', () => finish());
    const extra = Object.entries({ 'content-type': 'application/pdf', ...headers })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Length: ${bytes}\r\n${extra}\r\n`);
    socket.write(prefix);
    sent += prefix.length;
    const chunk = Buffer.alloc(64 * 1024, 0x25);
    const pump = () => {
      while (!done && answeredAt < 0 && sent < bytes) {
        const n = Math.min(chunk.length, bytes - sent);
        sent += n;
        if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

export interface SlowlorisResult {
  connections: number;
  /** How each connection ended: who closed it, with what answer, after how long. */
  endings: { byServer: boolean; status: string; ms: number }[];
}

/**
 * `connections` sockets at once, half of them trickling their headers (a header line a byte at a
 * time), the other half sending complete headers of a POST with a 1 MiB body and trickling the
 * body; `bytesPerSecond` each, until the server closes them or `maxSeconds` pass.
 */
export async function slowloris(url: string, path: string, o: { connections: number; bytesPerSecond: number; maxSeconds: number; headers?: Record<string, string> }): Promise<SlowlorisResult> {
  const { hostname, port } = new URL(url);
  const endings: SlowlorisResult['endings'] = [];
  const extra = Object.entries(o.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  await Promise.all(
    Array.from(
      { length: o.connections },
      (_, i) =>
        new Promise<void>((resolve) => {
          const t0 = Date.now();
          const socket = net.connect(Number(port), hostname);
          let head = '';
          let ended = false;
          const end = (byServer: boolean) => {
            if (ended) return;
            ended = true;
            clearInterval(drip);
            clearTimeout(giveUp);
            endings.push({ byServer, status: head.split('\r\n')[0] || '(closed without an answer)', ms: Date.now() - t0 });
            socket.destroy();
            resolve();
          };
          socket.on('data', (d) => (head += d.toString('latin1')));
          socket.on('error', () => end(true));
          socket.on('close', () => end(true));
          const headersDone = i % 2 === 1;
          if (headersDone) socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n${extra}\r\n{"username":"`);
          else socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n`);
          const drip = setInterval(() => {
            if (socket.destroyed) return;
            socket.write(headersDone ? 'a'.repeat(o.bytesPerSecond) : `X-${i}: ${'b'.repeat(Math.max(0, o.bytesPerSecond - 4))}`.slice(0, o.bytesPerSecond));
          }, 1000);
          const giveUp = setTimeout(() => end(false), o.maxSeconds * 1000);
        }),
    ),
  );
  return { connections: o.connections, endings };
}

/** The start of a multipart/form-data body with one PDF file part (the rest is the file's bytes). */
export function multipartPrefix(boundary: string): Uint8Array {
  return Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="to.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`);
}
