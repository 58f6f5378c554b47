/** TURN REST credentials (sfu-server/src/turn/turn-credentials.ts), checked the way coturn checks them. */
import { createHmac } from 'node:crypto';
import { expect, it } from 'vitest';
import { parseTurnUrls, turnCredential, turnIceServer } from '../../../sfu-server/src/turn/turn-credentials';

const settings = { secret: 'north-pole-secret-123', urls: ['turns:turn.example.vn:443?transport=tcp'], ttlSeconds: 3600 };

it('makes "<expiry>:<user>" with base64(HMAC-SHA1(secret, username)), expiring after the TTL', () => {
  const now = Date.UTC(2026, 11, 6, 10, 0, 0);
  const { iceServer, expiresAt } = turnIceServer(settings, 'acc-42', now);
  expect(iceServer.username).toBe(`${now / 1000 + 3600}:acc-42`);
  expect(expiresAt).toBe(now + 3600_000);
  expect(iceServer.urls).toEqual(settings.urls);
  // What coturn computes with static-auth-secret:
  expect(iceServer.credential).toBe(createHmac('sha1', settings.secret).update(iceServer.username).digest('base64'));
  // A known vector, computed independently: printf '%s' 1700000000:user | openssl dgst -sha1 -hmac secret -binary | base64
  expect(turnCredential('secret', '1700000000:user')).toBe('I/MZeIG6MwzOV8Uubr9liB2556o=');
  expect(turnCredential('another-secret', iceServer.username)).not.toBe(iceServer.credential);
  expect(turnIceServer(settings, 'a:b', now).iceServer.username.split(':')).toHaveLength(2);
});

it('accepts only turn:/turns: URIs', () => {
  expect(parseTurnUrls(' turns:turn.example.vn:443?transport=tcp , turn:10.0.0.1:3478 ')).toEqual(['turns:turn.example.vn:443?transport=tcp', 'turn:10.0.0.1:3478']);
  expect(() => parseTurnUrls('stun:stun.l.google.com:19302')).toThrow(/TURN_URLS/);
  expect(() => parseTurnUrls('https://turn.example.vn')).toThrow();
});
