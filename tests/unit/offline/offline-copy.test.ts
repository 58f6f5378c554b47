/** The device copy of the last answers the app needs to start offline: kept, read, owned by one account. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { offlineCopy } from '../../../renderer/src/net/offline-copy';

/** A stand-in for the browser's localStorage: stored keys are its own enumerable properties, as there. */
function memoryStorage(): Storage {
  const s: Record<string, unknown> = {};
  Object.defineProperties(s, {
    getItem: { value: (k: string) => (Object.prototype.hasOwnProperty.call(s, k) ? String(s[k]) : null) },
    setItem: { value: (k: string, v: string) => void (s[k] = String(v)) },
    removeItem: { value: (k: string) => void delete s[k] },
  });
  return s as unknown as Storage;
}

beforeEach(() => {
  (globalThis as { localStorage?: Storage }).localStorage = memoryStorage();
});
afterEach(() => {
  delete (globalThis as { localStorage?: Storage }).localStorage;
});

it('gives back what was kept, and nothing for what was not or is not JSON', () => {
  offlineCopy.keep('/api/meetings', [{ id: 'm1', title: 'Họp giao ban' }]);
  expect(offlineCopy.read('/api/meetings')).toEqual([{ id: 'm1', title: 'Họp giao ban' }]);
  expect(offlineCopy.read('/api/units')).toBeUndefined();
  localStorage.setItem('phonghop.offline:/api/units', '{not json');
  expect(offlineCopy.read('/api/units')).toBeUndefined();
});

it('belongs to one account: another account signing in, or a logout, starts afresh; other keys are left alone', () => {
  localStorage.setItem('phonghop.room', '{"layout":"grid"}');
  offlineCopy.ownedBy('account-a');
  offlineCopy.keep('/api/auth/me', { id: 'account-a' });
  offlineCopy.ownedBy('account-a');
  expect(offlineCopy.read('/api/auth/me')).toEqual({ id: 'account-a' });
  offlineCopy.ownedBy('account-b');
  expect(offlineCopy.read('/api/auth/me')).toBeUndefined();
  offlineCopy.keep('/api/meetings', []);
  offlineCopy.clear();
  expect(offlineCopy.read('/api/meetings')).toBeUndefined();
  expect(localStorage.getItem('phonghop.room')).toBe('{"layout":"grid"}');
});

it('does nothing, and fails nothing, where there is no storage', () => {
  delete (globalThis as { localStorage?: Storage }).localStorage;
  offlineCopy.keep('/api/meetings', []);
  expect(offlineCopy.read('/api/meetings')).toBeUndefined();
  expect(() => offlineCopy.ownedBy('x')).not.toThrow();
});
