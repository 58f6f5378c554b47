/**
 * Sessions on both stores (SQLite and PostgreSQL), with a clock the test moves on:
 * - refresh-token rotation with reuse detection: a token the session already rotated away from,
 *   presented again, ends the whole session (every token of it, its access token, its connections)
 *   and is audited; only the immediately previous token, within the grace window, is let through
 *   (two tabs refreshing at once), and then it gets no new refresh token;
 * - an absolute lifetime from login that refreshing cannot extend, beside the sliding idle expiry;
 * - the wrong-password limiter against guesses sent in parallel, and a success clearing only that
 *   username's failures from that address.
 */
import crypto, { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountBody } from '../../common/api/requests';
import { AuthService } from '../../sfu-server/src/auth/auth-service';
import { TokenSigner } from '../../sfu-server/src/auth/tokens';
import { ENGINES, openTestServices, type Engine, type TestServices } from '../support/stores';
import { usePostgres } from '../support/use-postgres';

const DAY = 86_400_000;
const PASSWORD = 'Mat-khau-phien-1';
const pg = usePostgres();

describe.each(ENGINES)('sessions on %s', (engine: Engine) => {
  let s: TestServices;
  let clock = Date.now();
  const ended: string[] = [];
  let auth: AuthService;

  beforeAll(async () => {
    s = await openTestServices(engine, pg.current);
    auth = new AuthService(s.db, new TokenSigner(randomBytes(32)), (id) => ended.push(id), { idleSeconds: 7 * 86_400, maxSeconds: 30 * 86_400, graceSeconds: 20 }, () => clock);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  async function person(): Promise<string> {
    const username = `nguoi.${engine}.${crypto.randomUUID().slice(0, 8)}`;
    await s.directory.createAccount(null, AccountBody.parse({ username, displayName: 'Đại biểu Phiên', role: 'delegate', password: PASSWORD }));
    return username;
  }
  const failure = (p: Promise<unknown>) => p.then(() => 'accepted', (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`);

  it('a replayed refresh token ends the whole session family, audited', async () => {
    const first = await auth.login(await person(), PASSWORD, '10.1.0.1');
    clock += 60_000;
    const second = await auth.refresh(first.refreshToken);
    const sid = (await auth.authenticate(second.accessToken))!.sessionId;
    clock += 60_000; // past the grace window
    const third = await auth.refresh(second.refreshToken!);
    expect(third.refreshToken).toBeDefined();

    // The first token again (a copy someone kept): refused, and everything of that session with it.
    expect(await failure(auth.refresh(first.refreshToken))).toMatch(/^unauthorized: .*used twice/);
    expect(await failure(auth.refresh(third.refreshToken!))).toMatch(/^unauthorized/);
    expect(await auth.authenticate(third.accessToken)).toBeNull();
    expect(ended).toContain(sid);
    const rows = await s.db.selectFrom('audit_log').select(['action', 'target_id']).where('action', '=', 'auth.refresh_reused').where('target_id', '=', sid).execute();
    expect(rows).toHaveLength(1);
  });

  it('the immediately previous token within the grace window gets an access token but no new refresh token', async () => {
    const first = await auth.login(await person(), PASSWORD, '10.1.0.2');
    clock += 1000;
    // Two tabs send the same cookie at the same moment.
    const [a, b] = await Promise.all([auth.refresh(first.refreshToken), auth.refresh(first.refreshToken)]);
    const rotated = [a, b].filter((x) => x.refreshToken);
    expect(rotated).toHaveLength(1);
    expect(await auth.authenticate(a.accessToken)).not.toBeNull();
    expect(await auth.authenticate(b.accessToken)).not.toBeNull();
    clock += 5000;
    expect((await auth.refresh(first.refreshToken)).refreshToken).toBeUndefined();
    // The token the winner got goes on working…
    const next = await auth.refresh(rotated[0]!.refreshToken!);
    expect(next.refreshToken).toBeDefined();
    // …and now the first one is two rotations old: a replay, grace or not.
    expect(await failure(auth.refresh(first.refreshToken))).toMatch(/used twice/);
    expect(await failure(auth.refresh(next.refreshToken!))).toMatch(/^unauthorized/);
  });

  it('the previous token after the grace window is a replay', async () => {
    const first = await auth.login(await person(), PASSWORD, '10.1.0.3');
    const second = await auth.refresh(first.refreshToken);
    clock += 21_000;
    expect(await failure(auth.refresh(first.refreshToken))).toMatch(/used twice/);
    expect(await failure(auth.refresh(second.refreshToken!))).toMatch(/^unauthorized/);
  });

  it('an unknown token is refused without ending anything', async () => {
    const first = await auth.login(await person(), PASSWORD, '10.1.0.4');
    expect(await failure(auth.refresh(randomBytes(32).toString('base64url')))).toBe('unauthorized: session expired');
    expect((await auth.refresh(first.refreshToken)).refreshToken).toBeDefined();
  });

  it('ends a session at its absolute lifetime however often it is refreshed, and when idle too long', async () => {
    const login = await auth.login(await person(), PASSWORD, '10.1.0.5');
    let token = login.refreshToken;
    const absoluteEnd = Date.parse(login.refreshExpiresAt) + 23 * DAY; // idle 7 d at login; max 30 d
    for (let day = 6; day < 30; day += 6) {
      clock += 6 * DAY;
      const next = await auth.refresh(token);
      expect(Date.parse(next.refreshExpiresAt)).toBeLessThanOrEqual(absoluteEnd);
      token = next.refreshToken!;
    }
    clock += 6 * DAY + 1000; // day 30 and a second: past the absolute end, within the idle time
    expect(await failure(auth.refresh(token))).toBe('unauthorized: session expired');

    const idle = await auth.login(await person(), PASSWORD, '10.1.0.6');
    clock += 7 * DAY + 1000;
    expect(await failure(auth.refresh(idle.refreshToken))).toBe('unauthorized: session expired');
  });

  it('checks at most 5 of 12 wrong passwords sent in parallel; the others wait', async () => {
    const username = await person();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => failure(auth.login(username, `Sai-mat-khau-${i}`, '10.2.0.1'))));
    expect(results.filter((r) => r.startsWith('unauthorized'))).toHaveLength(5);
    expect(results.filter((r) => r.startsWith('rate_limited'))).toHaveLength(7);
    const checked = await s.db.selectFrom('audit_log').select('id').where('action', '=', 'auth.login_failed').where('details', 'like', `%${username}%`).execute();
    expect(checked).toHaveLength(5);
    expect(await failure(auth.login(username, PASSWORD, '10.2.0.1'))).toMatch(/^rate_limited/);
  });

  it('a success clears the failures of that username from that address only', async () => {
    const own = await person();
    const stranger = () => `khong.co.${crypto.randomUUID().slice(0, 8)}`;
    // Guesses at 3 usernames from this address, then its user mistypes once and succeeds.
    for (let i = 0; i < 3; i++) await failure(auth.login(stranger(), `Sai-${i}-mat-khau`, '10.3.0.1'));
    await failure(auth.login(own, 'Go-nham-mat-khau', '10.3.0.1'));
    expect(await failure(auth.login(own, PASSWORD, '10.3.0.1'))).toBe('accepted');
    // The address keeps its 3 other failures: two more and it is blocked, whoever tries.
    for (let i = 0; i < 2; i++) expect(await failure(auth.login(stranger(), `Lai-sai-${i}`, '10.3.0.1'))).toMatch(/^unauthorized/);
    expect(await failure(auth.login(stranger(), 'Van-sai-mat-khau', '10.3.0.1'))).toMatch(/^rate_limited/);
  });
});
