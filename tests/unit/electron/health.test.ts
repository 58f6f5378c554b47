import { describe, expect, it } from 'vitest';
import { checkServerHealth, HEALTH_TIMEOUT_MS, type HealthFetch, type HealthResponseLike } from '../../../electron/main/health.js';

function response(body: string, init: Partial<HealthResponseLike> = {}): HealthResponseLike {
  return { ok: true, status: 200, url: '', text: async () => body, ...init };
}

describe('checkServerHealth', () => {
  it('accepts {"status":"ok"} from <url>/api/health', async () => {
    const calls: Array<{ url: string; init: unknown }> = [];
    const fetchImpl: HealthFetch = async (url, init) => {
      calls.push({ url, init });
      return response('{"status":"ok","version":"1.0"}', { url });
    };
    expect(await checkServerHealth('https://a.vn/hop', fetchImpl)).toEqual({ ok: true });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('https://a.vn/hop/api/health');
    expect(calls[0]!.init).toMatchObject({ method: 'GET', cache: 'no-store', credentials: 'omit' });
  });

  it.each([
    ['not JSON', response('<html>'), /không phải JSON/],
    ['wrong status', response('{"status":"starting"}'), /starting/],
    ['no status', response('[]'), /không rõ/],
    ['HTTP error', response('{"status":"ok"}', { ok: false, status: 503 }), /503/],
    ['huge body', response(`{"status":"ok","x":"${'a'.repeat(70_000)}"}`), /quá lớn/],
    ['redirect elsewhere', response('{"status":"ok"}', { url: 'https://other.vn/api/health' }), /https:\/\/other\.vn/],
  ])('rejects %s', async (_name, res, message) => {
    const result = await checkServerHealth('https://a.vn', async () => res);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it('reports network errors', async () => {
    const result = await checkServerHealth('https://a.vn', async () => {
      throw new Error('net::ERR_CONNECTION_REFUSED');
    });
    expect(result).toEqual({ ok: false, error: 'Không kết nối được tới máy chủ (net::ERR_CONNECTION_REFUSED).' });
  });

  it('gives up after the timeout and aborts the request, even if fetch ignores the signal', async () => {
    let signal: AbortSignal | undefined;
    const started = Date.now();
    const result = await checkServerHealth(
      'https://a.vn',
      (_url, init) => {
        signal = init.signal;
        return new Promise(() => undefined);
      },
      { timeoutMs: 50 },
    );
    expect(result).toEqual({ ok: false, error: 'Máy chủ không phản hồi trong 0.1 giây.' });
    expect(signal?.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('uses a 5 second timeout by default', () => {
    expect(HEALTH_TIMEOUT_MS).toBe(5_000);
  });

  it('refuses a base URL that is not http(s)', async () => {
    const result = await checkServerHealth('file:///x', async () => response('{"status":"ok"}'));
    expect(result.ok).toBe(false);
  });
});
