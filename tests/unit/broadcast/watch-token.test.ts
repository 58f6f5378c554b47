import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WatchTokens } from '../../../sfu-server/src/broadcast/watch-token';

describe('broadcast watch tokens', () => {
  const tokens = new WatchTokens(randomBytes(32));
  const claims = { meetingId: 'm1', accountId: 'a1', sessionId: 's1', exp: Math.floor(Date.now() / 1000) + 60 };

  it('round-trips and is URL-path safe', () => {
    const t = tokens.sign(claims);
    expect(t).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(tokens.verify(t)).toEqual(claims);
  });

  it('refuses an expired, altered or foreign token', () => {
    expect(tokens.verify(tokens.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 1 }))).toBeNull();
    const t = tokens.sign(claims);
    const [body, mac] = t.split('.') as [string, string];
    const other = Buffer.from(JSON.stringify(['m1', 'a2', 's1', claims.exp])).toString('base64url');
    expect(tokens.verify(`${other}.${mac}`)).toBeNull();
    expect(tokens.verify(`${body}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(tokens.verify(new WatchTokens(randomBytes(32)).sign(claims))).toBeNull();
    expect(tokens.verify('../../etc/passwd')).toBeNull();
  });
});
