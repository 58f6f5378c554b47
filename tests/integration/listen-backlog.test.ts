/**
 * The server listens with a backlog of HTTP_LISTEN_BACKLOG (4096), not Node's 511: a thousand
 * live-broadcast viewers connecting at once (after a network blip or a server restart) are held by
 * the kernel until accepted instead of having their SYNs dropped and sent again only after 1, 3, 7 s
 * (tests/bench/broadcast-viewers.ts counted the drops). Read from the kernel (`ss`, iproute2: a
 * listening socket's Send-Q is its backlog), capped by net.core.somaxconn.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { startTestServer } from '../support/test-server';

let server: RunningServer;

beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: 'silent' });
});

afterAll(async () => {
  await server?.close();
});

describe('listen backlog', () => {
  it('is HTTP_LISTEN_BACKLOG (capped by somaxconn), above Node’s 511', () => {
    const out = execFileSync('ss', ['-ltnH', `sport = :${server.port}`], { encoding: 'utf8' }).trim();
    // State Recv-Q Send-Q Local:Port Peer:Port
    const backlog = Number(out.split(/\s+/)[2]);
    const somaxconn = Number(fs.readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    expect(backlog).toBe(Math.min(4096, somaxconn));
    if (somaxconn > 511) expect(backlog).toBeGreaterThan(511);
  });
});
