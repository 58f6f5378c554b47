/**
 * Which errors are the store being away (503 `unavailable`) or a full disk (507 `storage_full`),
 * on errors really raised by pg, the file system and better-sqlite3 where they can be made here.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../sfu-server/src/errors';
import { storeFailure, storeFailureError } from '../../../sfu-server/src/store/store-failures';

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('store failures', () => {
  it('a PostgreSQL that cannot be reached is `unavailable`, with a Retry-After for the client', async () => {
    const pool = new pg.Pool({ connectionString: `postgres://x@127.0.0.1:${await closedPort()}/x`, connectionTimeoutMillis: 2000 });
    pool.on('error', () => undefined);
    const err = await pool.query('SELECT 1').catch((e: unknown) => e);
    await pool.end();
    expect(storeFailure(err)).toBe('unavailable');
    const app = storeFailureError(err)!;
    expect(app).toBeInstanceOf(AppError);
    expect(app.code).toBe('unavailable');
    expect(app.messageKey).toBe('apiErrors.unavailable');
    expect(app.details).toEqual({ retryAfterSeconds: expect.any(Number) });
  });

  it("pg's own words for a dead connection and PostgreSQL's shutdown codes are `unavailable`", () => {
    for (const e of [new Error('Connection terminated unexpectedly'), new Error('timeout exceeded when trying to connect'), Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), Object.assign(new Error('the database system is starting up'), { code: '57P03' }), Object.assign(new Error('x'), { code: '08006' })]) {
      expect(storeFailure(e), e.message).toBe('unavailable');
    }
  });

  it('a full disk is `storage_full` (fs ENOSPC, SQLITE_FULL, PostgreSQL 53100)', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100']) expect(storeFailure(Object.assign(new Error(code), { code }))).toBe('storage_full');
    expect(storeFailureError(Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toMatchObject({ code: 'storage_full', messageKey: 'apiErrors.storage_full' });
  });

  it('anything else stays what it was: a refusal, a constraint violation, a missing file, a bug', () => {
    const missing = (() => {
      try {
        fs.readFileSync(path.join(os.tmpdir(), `does-not-exist-${process.pid}`));
      } catch (e) {
        return e;
      }
    })();
    for (const e of [new AppError('forbidden', 'no'), Object.assign(new Error('duplicate key'), { code: '23505' }), missing, new TypeError('x is undefined'), null, 'text']) {
      expect(storeFailure(e)).toBeNull();
      expect(storeFailureError(e)).toBeNull();
    }
  });
});
