import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parsePublicOrigins, refusedOrigin } from '../../../sfu-server/src/http/origin-check';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const none = { publicOrigins: new Set<string>(), trustProxy: false };

describe('origin check of WebSocket upgrades', () => {
  it("allows the Host's own origin, with or without the default port, and nothing else", () => {
    expect(refusedOrigin(req({ host: '10.0.0.5:8080', origin: 'http://10.0.0.5:8080' }), none)).toBeNull();
    expect(refusedOrigin(req({ host: 'hop.local', origin: 'https://hop.local' }), none)).toBeNull();
    expect(refusedOrigin(req({ host: 'hop.local:443', origin: 'https://hop.local' }), none)).toBeNull();
    expect(refusedOrigin(req({ host: 'hop.local:8080', origin: 'http://hop.local' }), none)).not.toBeNull();
    expect(refusedOrigin(req({ host: 'hop.local', origin: 'http://evil.local' }), none)).not.toBeNull();
    expect(refusedOrigin(req({ host: 'hop.local', origin: 'null' }), none)).not.toBeNull();
    expect(refusedOrigin(req({ host: 'hop.local', origin: 'file://' }), none)).not.toBeNull();
  });

  it('X-Forwarded-Host counts only behind a trusted proxy; PUBLIC_ORIGINS are allowed as listed', () => {
    const proxied = req({ host: '127.0.0.1:8080', 'x-forwarded-host': 'hop.tinh.gov.vn', origin: 'https://hop.tinh.gov.vn' });
    expect(refusedOrigin(proxied, none)).not.toBeNull();
    expect(refusedOrigin(proxied, { ...none, trustProxy: true })).toBeNull();
    const listed = { publicOrigins: parsePublicOrigins('https://Hop.Tinh.gov.vn/ , http://a.local:8443'), trustProxy: false };
    expect([...listed.publicOrigins]).toEqual(['https://hop.tinh.gov.vn', 'http://a.local:8443']);
    expect(refusedOrigin(req({ host: '127.0.0.1', origin: 'https://hop.tinh.gov.vn' }), listed)).toBeNull();
    expect(() => parsePublicOrigins('hop.local')).toThrow(/PUBLIC_ORIGINS/);
  });

  it('lets a client without Origin through (not a browser: it authenticates with its own token)', () => {
    expect(refusedOrigin(req({ host: 'hop.local' }), none)).toBeNull();
  });
});
