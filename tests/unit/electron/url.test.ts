import { describe, expect, it } from 'vitest';
import {
  httpOriginOf,
  isNavigationAllowed,
  isSetupPageUrl,
  isTrustedSenderFrame,
  parseServerUrl,
  shouldOpenExternally,
  type TrustPolicy,
  webSocketOriginFor,
} from '../../../electron/main/url.js';

const SETUP = 'file:///opt/Ph%C3%B2ng%20h%E1%BB%8Dp/resources/app.asar/renderer/dist/index.html';

function policy(serverOrigin: string | null, extra: Partial<TrustPolicy> = {}): TrustPolicy {
  return { serverOrigin: () => serverOrigin, setupPageUrl: SETUP, ...extra };
}

describe('parseServerUrl', () => {
  it.each([
    ['https://phonghop.example.gov.vn', 'https://phonghop.example.gov.vn', 'https://phonghop.example.gov.vn'],
    ['https://phonghop.example.gov.vn/', 'https://phonghop.example.gov.vn', 'https://phonghop.example.gov.vn'],
    ['  HTTPS://PhongHop.Example.gov.vn:8443//  ', 'https://phonghop.example.gov.vn:8443', 'https://phonghop.example.gov.vn:8443'],
    ['http://10.0.0.5:3000', 'http://10.0.0.5:3000', 'http://10.0.0.5:3000'],
    ['https://host:443/', 'https://host', 'https://host'],
    ['https://host/hop/', 'https://host/hop', 'https://host'],
    ['phonghop.example.gov.vn', 'https://phonghop.example.gov.vn', 'https://phonghop.example.gov.vn'],
    ['localhost:8080', 'https://localhost:8080', 'https://localhost:8080'],
    ['https://[::1]:8443', 'https://[::1]:8443', 'https://[::1]:8443'],
    // Internationalised names are stored in their ASCII (punycode) form, as Chromium shows origins.
    ['https://bộ-nội-vụ.vn', 'https://xn--b-ni-v-3n8bc5i.vn', 'https://xn--b-ni-v-3n8bc5i.vn'],
  ])('accepts %j', (input, url, origin) => {
    expect(parseServerUrl(input)).toEqual({ ok: true, url, origin });
  });

  it.each([
    [42],
    [null],
    [''],
    ['   '],
    ['ftp://host'],
    ['file:///etc/passwd'],
    ['javascript:alert(1)'],
    ['data:text/html,hi'],
    ['ws://host'],
    ['https://user:pass@host'],
    ['https://user@host'],
    ['https://host/?a=1'],
    ['https://host/#x'],
    ['https://host/?'],
    ['https://ho st'],
    ['https://host/\tpath'],
    ['https://host/a\nb'],
    ['https://'],
    [`https://host/${'a'.repeat(2100)}`],
  ])('rejects %j with a message', (input) => {
    const result = parseServerUrl(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.length).toBeGreaterThan(5);
  });
});

describe('origins', () => {
  it('httpOriginOf keeps only http(s)', () => {
    expect(httpOriginOf('https://a.vn/x?y#z')).toBe('https://a.vn');
    expect(httpOriginOf('http://a.vn:80/')).toBe('http://a.vn');
    expect(httpOriginOf('file:///x')).toBeNull();
    expect(httpOriginOf('null')).toBeNull();
    expect(httpOriginOf('')).toBeNull();
    expect(httpOriginOf(undefined)).toBeNull();
  });

  it('webSocketOriginFor maps the scheme and keeps the port', () => {
    expect(webSocketOriginFor('https://a.vn')).toBe('wss://a.vn');
    expect(webSocketOriginFor('https://a.vn:8443')).toBe('wss://a.vn:8443');
    expect(webSocketOriginFor('http://10.0.0.5:3000')).toBe('ws://10.0.0.5:3000');
    expect(() => webSocketOriginFor('https://a.vn/')).toThrow();
    expect(() => webSocketOriginFor("https://a.vn; script-src *")).toThrow();
  });
});

describe('setup page and navigation', () => {
  it('recognises the bundled page with any hash, and nothing else', () => {
    expect(isSetupPageUrl(`${SETUP}#/setup`, policy(null))).toBe(true);
    expect(isSetupPageUrl(SETUP, policy(null))).toBe(true);
    expect(isSetupPageUrl(SETUP.replace('index.html', 'other.html'), policy(null))).toBe(false);
    expect(isSetupPageUrl('file:///etc/passwd', policy(null))).toBe(false);
    expect(isSetupPageUrl('file://evil-host/opt/Ph%C3%B2ng%20h%E1%BB%8Dp/resources/app.asar/renderer/dist/index.html', policy(null))).toBe(false);
    expect(isSetupPageUrl('https://a.vn/index.html', policy(null))).toBe(false);
  });

  it('compares paths case-insensitively only when asked (Windows, macOS)', () => {
    const upper = 'file:///C:/Program%20Files/PhongHop/resources/app.asar/renderer/dist/index.html';
    const lower = upper.toLowerCase();
    expect(isSetupPageUrl(lower, { setupPageUrl: upper })).toBe(false);
    expect(isSetupPageUrl(lower, { setupPageUrl: upper, caseInsensitivePaths: true })).toBe(true);
  });

  it('allows navigation within the server origin or to the setup page only', () => {
    const p = policy('https://a.vn');
    expect(isNavigationAllowed('https://a.vn/room/1', p)).toBe(true);
    expect(isNavigationAllowed('https://a.vn:443/x', p)).toBe(true);
    expect(isNavigationAllowed(`${SETUP}#/setup`, p)).toBe(true);
    expect(isNavigationAllowed('http://a.vn/', p)).toBe(false);
    expect(isNavigationAllowed('https://a.vn.evil.com/', p)).toBe(false);
    expect(isNavigationAllowed('https://b.vn/', p)).toBe(false);
    expect(isNavigationAllowed('file:///etc/passwd', p)).toBe(false);
    expect(isNavigationAllowed('javascript:alert(1)', p)).toBe(false);
    expect(isNavigationAllowed('https://a.vn/', policy(null))).toBe(false);
  });

  it('opens only https links externally', () => {
    expect(shouldOpenExternally('https://vanban.gov.vn/x')).toBe(true);
    expect(shouldOpenExternally('http://vanban.gov.vn/x')).toBe(false);
    expect(shouldOpenExternally('file:///C:/Windows/system32/calc.exe')).toBe(false);
    expect(shouldOpenExternally('smb://host/share')).toBe(false);
    expect(shouldOpenExternally('ms-msdt:/id')).toBe(false);
    expect(shouldOpenExternally('https://user:pw@host/')).toBe(false);
    expect(shouldOpenExternally('not a url')).toBe(false);
  });
});

describe('isTrustedSenderFrame', () => {
  const p = policy('https://a.vn');
  it('trusts top-level server and setup frames', () => {
    expect(isTrustedSenderFrame({ url: 'https://a.vn/room', parent: null }, p)).toBe(true);
    expect(isTrustedSenderFrame({ url: `${SETUP}#/setup`, parent: null }, p)).toBe(true);
  });
  it('refuses other origins, subframes and destroyed frames', () => {
    const top = { url: 'https://a.vn/room', parent: null };
    expect(isTrustedSenderFrame({ url: 'https://evil.vn/', parent: null }, p)).toBe(false);
    expect(isTrustedSenderFrame({ url: 'https://a.vn/embedded', parent: top }, p)).toBe(false);
    expect(isTrustedSenderFrame(null, p)).toBe(false);
    expect(isTrustedSenderFrame(undefined, p)).toBe(false);
    expect(isTrustedSenderFrame({ url: 'about:blank', parent: null }, p)).toBe(false);
    expect(isTrustedSenderFrame({ url: 'https://a.vn/', parent: null }, policy(null))).toBe(false);
  });
});
