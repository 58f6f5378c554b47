import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSettingsStore,
  MAX_SECRETS,
  type SafeStorageLike,
  SecretStorageUnavailableError,
} from '../../../electron/main/settings.js';

class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend = 'gnome_libsecret';
  isEncryptionAvailable(): boolean {
    return this.available;
  }
  getSelectedStorageBackend(): string {
    return this.backend;
  }
  encryptString(plainText: string): Buffer {
    // Reversible, and visibly not the plain text.
    return Buffer.from([...Buffer.from(plainText, 'utf8')].map((byte) => byte ^ 0x5a));
  }
  decryptString(encrypted: Buffer): string {
    if (encrypted.length === 0) throw new Error('bad ciphertext');
    return Buffer.from([...encrypted].map((byte) => byte ^ 0x5a)).toString('utf8');
  }
}

let dir: string;
let file: string;
let safe: FakeSafeStorage;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'phonghop-settings-'));
  file = path.join(dir, 'nested', 'settings.json');
  safe = new FakeSafeStorage();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const store = (platform: NodeJS.Platform = 'linux') => createSettingsStore({ filePath: file, safeStorage: safe, platform });

describe('settings store: server URL', () => {
  it('starts empty without a file', async () => {
    expect(await store().getServerUrl()).toBeNull();
  });

  it('persists the normalised URL and forgets it', async () => {
    await store().setServerUrl('https://phonghop.example.gov.vn/');
    expect(await store().getServerUrl()).toBe('https://phonghop.example.gov.vn');
    const json = JSON.parse(await readFile(file, 'utf8'));
    expect(json).toEqual({ version: 1, serverUrl: 'https://phonghop.example.gov.vn', secrets: {} });
    await store().setServerUrl(null);
    expect(await store().getServerUrl()).toBeNull();
  });

  it('refuses an invalid URL', async () => {
    await expect(store().setServerUrl('ftp://x')).rejects.toThrow(TypeError);
  });

  it('writes the file readable by the user only (POSIX)', async () => {
    await store().setServerUrl('https://a.vn');
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('ignores a corrupt or foreign file', async () => {
    await store().setServerUrl('https://a.vn');
    await writeFile(file, '{not json');
    expect(await store().getServerUrl()).toBeNull();
    await writeFile(file, JSON.stringify({ serverUrl: 'javascript:alert(1)', secrets: { k: 42, 'bad key': 'AAAA' } }));
    const s = store();
    expect(await s.getServerUrl()).toBeNull();
    expect(await s.getSecret('k')).toBeNull();
    await writeFile(file, JSON.stringify({ serverUrl: 'https://a.vn/' })); // not normalised: not ours
    expect(await store().getServerUrl()).toBeNull();
  });
});

describe('settings store: secrets', () => {
  it('stores secrets encrypted and reads them back', async () => {
    const s = store();
    await s.setSecret('session', 'token-ấn-tượng');
    expect(await s.getSecret('session')).toBe('token-ấn-tượng');
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('token');
    expect(JSON.parse(text).secrets.session).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(await store().getSecret('session')).toBe('token-ấn-tượng');
  });

  it('deletes with null and returns null for unknown keys', async () => {
    const s = store();
    await s.setSecret('session', 'x');
    await s.setSecret('session', null);
    expect(await s.getSecret('session')).toBeNull();
    expect(await s.getSecret('other')).toBeNull();
  });

  it('refuses to store when encryption is unavailable, with a clear error', async () => {
    safe.available = false;
    const s = store();
    await expect(s.setSecret('session', 'x')).rejects.toBeInstanceOf(SecretStorageUnavailableError);
    await expect(s.setSecret('session', 'x')).rejects.toThrow(/SECRET_STORAGE_UNAVAILABLE/);
    expect(s.isSecretStorageAvailable()).toBe(false);
    await expect(readFile(file, 'utf8')).rejects.toThrow(); // nothing written
    await s.setSecret('session', null); // deleting is always allowed
  });

  it("treats Linux's basic_text backend (no keyring) as unavailable", async () => {
    safe.backend = 'basic_text';
    await expect(store('linux').setSecret('session', 'x')).rejects.toBeInstanceOf(SecretStorageUnavailableError);
    await expect(store('win32').setSecret('session', 'x')).resolves.toBeUndefined();
  });

  it('returns null when a stored secret cannot be decrypted any more', async () => {
    await store().setSecret('session', 'x');
    safe.decryptString = () => {
      throw new Error('keyring changed');
    };
    expect(await store().getSecret('session')).toBeNull();
    safe.available = false;
    expect(await store().getSecret('session')).toBeNull();
  });

  it('validates keys and values', async () => {
    const s = store();
    for (const key of ['', ' ', 'a b', '../x', 'x'.repeat(129), '-x', 'ключ']) {
      await expect(s.setSecret(key, 'v'), key).rejects.toThrow(TypeError);
      await expect(s.getSecret(key), key).rejects.toThrow(TypeError);
    }
    await expect(s.setSecret('k', 'x'.repeat(16 * 1024 + 1))).rejects.toThrow(RangeError);
    await expect(s.setSecret('k', 5 as unknown as string)).rejects.toThrow(TypeError);
  });

  it('bounds the number of secrets', async () => {
    const s = store();
    for (let i = 0; i < MAX_SECRETS; i += 1) await s.setSecret(`k${i}`, 'v');
    await expect(s.setSecret('one-more', 'v')).rejects.toThrow(RangeError);
    await s.setSecret('k0', 'replaced'); // replacing is fine
    expect(await s.getSecret('k0')).toBe('replaced');
  });

  it('serialises concurrent writes without losing any', async () => {
    const s = store();
    await Promise.all([
      s.setServerUrl('https://a.vn'),
      ...Array.from({ length: 20 }, (_, i) => s.setSecret(`k${i}`, `v${i}`)),
    ]);
    const fresh = store();
    expect(await fresh.getServerUrl()).toBe('https://a.vn');
    for (let i = 0; i < 20; i += 1) expect(await fresh.getSecret(`k${i}`)).toBe(`v${i}`);
  });
});
