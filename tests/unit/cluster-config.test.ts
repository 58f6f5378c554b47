/** Several servers in the configuration (issue 16, wiring step 1): REDIS_URL needs PostgreSQL; one server is unchanged. */
import { describe, expect, it } from 'vitest';
import { MeetingEvent } from '../../sfu-server/src/cluster/meeting-events';
import { loadConfig, serverIdOf } from '../../sfu-server/src/config/config';

describe('cluster configuration', () => {
  it('without REDIS_URL nothing changes: one server, SQLite allowed', () => {
    const c = loadConfig({});
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.SERVER_LEASE_TTL_MS).toBe(3000);
  });

  it('refuses REDIS_URL on SQLite (no DATABASE_URL) or on a database that is not PostgreSQL, with a clear reason', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/REDIS_URL.*needs DATABASE_URL.*PostgreSQL/);
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'mysql://x@h/db' })).toThrow(/postgres:\/\//);
    const c = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://u@127.0.0.1:5432/phonghop', SERVER_ID: 'hn-1' });
    expect(serverIdOf(c)).toBe('hn-1');
  });

  it('SERVER_ID is a plain name; the default is the host and port', () => {
    expect(() => loadConfig({ SERVER_ID: 'a b' })).toThrow(/SERVER_ID/);
    expect(() => loadConfig({ SERVER_ID: 'x'.repeat(61) })).toThrow(/SERVER_ID/);
    expect(serverIdOf(loadConfig({ PORT: '8443' }))).toMatch(/:8443$/);
    expect(serverIdOf(loadConfig({ PORT: '0' }))).toMatch(new RegExp(`:pid${process.pid}$`));
  });

  it('a presence snapshot is bounded and checked like every event', () => {
    const p = { peerId: 'p', accountId: 'a', role: 'delegate', displayName: 'An', pointName: '' };
    expect(MeetingEvent.safeParse({ type: 'presence.snapshot', reply: true, peers: [p] }).success).toBe(true);
    expect(MeetingEvent.safeParse({ type: 'presence.snapshot', reply: true, peers: Array.from({ length: 1001 }, () => p) }).success).toBe(false);
    expect(MeetingEvent.safeParse({ type: 'presence.snapshot', reply: true, peers: [{ ...p, extra: 1 }] }).success).toBe(false);
    expect(MeetingEvent.safeParse({ type: 'presence', change: 'joined', ...p, headcount: -1 }).success).toBe(false);
  });
});
