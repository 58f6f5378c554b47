import { describe, expect, it } from 'vitest';
import { buildContentSecurityPolicy, shouldApplyCsp, withContentSecurityPolicy } from '../../../electron/main/csp.js';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

describe('buildContentSecurityPolicy', () => {
  it('builds the strict policy for an https server', () => {
    expect(buildContentSecurityPolicy({ serverOrigin: 'https://phonghop.example.gov.vn:8443' })).toBe(
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; " +
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; " +
        "connect-src 'self' wss://phonghop.example.gov.vn:8443; font-src 'self' data:; object-src 'none'; " +
        "frame-ancestors 'none'; base-uri 'none'",
    );
  });

  it('uses ws: for an http server', () => {
    const d = directives(buildContentSecurityPolicy({ serverOrigin: 'http://10.0.0.5:3000' }));
    expect(d.get('connect-src')).toEqual(["'self'", 'ws://10.0.0.5:3000']);
  });

  it('allows only self connections before a server is configured', () => {
    const d = directives(buildContentSecurityPolicy({ serverOrigin: null }));
    expect(d.get('connect-src')).toEqual(["'self'"]);
  });

  it('never allows eval, inline scripts, plugins or remote hosts for scripts', () => {
    const d = directives(buildContentSecurityPolicy({ serverOrigin: 'https://a.vn' }));
    expect(d.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    for (const [name, sources] of d) {
      expect(sources, name).not.toContain("'unsafe-eval'");
      expect(sources, name).not.toContain('*');
      if (name !== 'style-src') expect(sources, name).not.toContain("'unsafe-inline'");
    }
  });

  it('refuses anything but a canonical http(s) origin', () => {
    for (const bad of ["https://a.vn; script-src 'unsafe-eval'", 'https://a.vn/', 'file://', 'javascript:1', 'https://a.vn/path']) {
      expect(() => buildContentSecurityPolicy({ serverOrigin: bad }), bad).toThrow();
    }
  });
});

describe('shouldApplyCsp', () => {
  const policy = { serverOrigin: () => 'https://a.vn' };
  it('applies to the server origin and file pages only', () => {
    expect(shouldApplyCsp('https://a.vn/', policy)).toBe(true);
    expect(shouldApplyCsp('https://a.vn/assets/app.js', policy)).toBe(true);
    expect(shouldApplyCsp('file:///opt/app/renderer/dist/index.html', policy)).toBe(true);
    expect(shouldApplyCsp('https://b.vn/', policy)).toBe(false);
    expect(shouldApplyCsp('https://a.vn/', { serverOrigin: () => null })).toBe(false);
  });
});

describe('withContentSecurityPolicy', () => {
  it('adds the header and keeps the others', () => {
    expect(withContentSecurityPolicy({ 'Content-Type': ['text/html'], 'x-one': 'a' }, 'P')).toEqual({
      'Content-Type': ['text/html'],
      'x-one': ['a'],
      'Content-Security-Policy': ['P'],
    });
  });

  it("keeps the server's own CSP (both are enforced) under its spelling", () => {
    const result = withContentSecurityPolicy(
      { 'content-security-policy': ["default-src 'none'"], 'CONTENT-SECURITY-POLICY': 'img-src data:' },
      'P',
    );
    expect(result).toEqual({ 'content-security-policy': ["default-src 'none'", 'img-src data:', 'P'] });
  });

  it('works without headers', () => {
    expect(withContentSecurityPolicy(undefined, 'P')).toEqual({ 'Content-Security-Policy': ['P'] });
  });
});
