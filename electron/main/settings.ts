/**
 * Settings kept in a small JSON file in `app.getPath('userData')`: the server address, plus secrets
 * (e.g. the session token) encrypted with Electron's `safeStorage`. No Electron import: the file
 * path and a safeStorage-like object are passed in.
 *
 * File format (version 1):
 *   { "version": 1, "serverUrl": "https://host", "secrets": { "<key>": "<base64 of safeStorage ciphertext>" } }
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseServerUrl } from './url.js';

/** The part of Electron's `safeStorage` the store uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron; 'basic_text' means no OS keyring (a fixed, well-known key). */
  getSelectedStorageBackend?(): string;
}

export interface SettingsStoreOptions {
  /** Absolute path of the JSON file, e.g. `<userData>/settings.json`. */
  filePath: string;
  safeStorage: SafeStorageLike;
  /** Defaults to `process.platform`; on Linux the 'basic_text' backend counts as unavailable. */
  platform?: NodeJS.Platform;
}

export interface SettingsStore {
  getServerUrl(): Promise<string | null>;
  /** Stores a normalised server URL (see `parseServerUrl`), or forgets it with null. */
  setServerUrl(url: string | null): Promise<void>;
  getSecret(key: string): Promise<string | null>;
  /** Encrypts and stores `value`; null deletes. Throws SecretStorageUnavailableError without OS encryption. */
  setSecret(key: string, value: string | null): Promise<void>;
  /** Whether secrets can be stored right now. */
  isSecretStorageAvailable(): boolean;
}

export const SECRET_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const MAX_SECRET_LENGTH = 16 * 1024;
export const MAX_SECRETS = 64;

export class SecretStorageUnavailableError extends Error {
  constructor() {
    super(
      'SECRET_STORAGE_UNAVAILABLE: the operating system secure storage is not available ' +
        '(safeStorage encryption unavailable, or no keyring on Linux), so the secret was not stored.',
    );
    this.name = 'SecretStorageUnavailableError';
  }
}

interface SettingsData {
  serverUrl: string | null;
  secrets: Map<string, string>;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function assertSecretKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || !SECRET_KEY_PATTERN.test(key)) {
    throw new TypeError('secret key must match ' + String(SECRET_KEY_PATTERN));
  }
}

function parseSettings(text: string): SettingsData {
  const data: SettingsData = { serverUrl: null, secrets: new Map() };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return data;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return data;
  const record = raw as Record<string, unknown>;
  if (typeof record.serverUrl === 'string') {
    const parsed = parseServerUrl(record.serverUrl);
    // Only a value that is already normalised is trusted; anything else was not written by us.
    if (parsed.ok && parsed.url === record.serverUrl) data.serverUrl = parsed.url;
  }
  const secrets = record.secrets;
  if (typeof secrets === 'object' && secrets !== null && !Array.isArray(secrets)) {
    for (const [key, value] of Object.entries(secrets as Record<string, unknown>)) {
      if (data.secrets.size >= MAX_SECRETS) break;
      if (SECRET_KEY_PATTERN.test(key) && typeof value === 'string' && value.length > 0 && BASE64.test(value)) {
        data.secrets.set(key, value);
      }
    }
  }
  return data;
}

function serializeSettings(data: SettingsData): string {
  const secrets: Record<string, string> = {};
  for (const [key, value] of [...data.secrets.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    secrets[key] = value;
  }
  return `${JSON.stringify({ version: 1, serverUrl: data.serverUrl, secrets }, null, 2)}\n`;
}

export function createSettingsStore(options: SettingsStoreOptions): SettingsStore {
  const { filePath, safeStorage } = options;
  const platform = options.platform ?? process.platform;
  let loaded: SettingsData | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every earlier one, so concurrent writes never lose each other's changes. */
  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  async function load(): Promise<SettingsData> {
    if (loaded !== null) return loaded;
    let text: string | null = null;
    try {
      text = await readFile(filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    loaded = text === null ? { serverUrl: null, secrets: new Map() } : parseSettings(text);
    return loaded;
  }

  async function save(data: SettingsData): Promise<void> {
    await mkdir(path.dirname(filePath), { recursive: true });
    const tmp = `${filePath}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, serializeSettings(data), { encoding: 'utf8', mode: 0o600 });
      await rename(tmp, filePath);
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw error;
    }
  }

  function isSecretStorageAvailable(): boolean {
    if (!safeStorage.isEncryptionAvailable()) return false;
    if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return false;
    return true;
  }

  return {
    isSecretStorageAvailable,

    getServerUrl: () => exclusive(async () => (await load()).serverUrl),

    setServerUrl: (url) =>
      exclusive(async () => {
        let next: string | null = null;
        if (url !== null) {
          const parsed = parseServerUrl(url);
          if (!parsed.ok) throw new TypeError(parsed.error);
          next = parsed.url;
        }
        const data = await load();
        if (data.serverUrl === next) return;
        const previous = data.serverUrl;
        data.serverUrl = next;
        try {
          await save(data);
        } catch (error) {
          data.serverUrl = previous;
          throw error;
        }
      }),

    getSecret: (key) =>
      exclusive(async () => {
        assertSecretKey(key);
        const stored = (await load()).secrets.get(key);
        if (stored === undefined || !isSecretStorageAvailable()) return null;
        try {
          return safeStorage.decryptString(Buffer.from(stored, 'base64'));
        } catch {
          // Keyring changed or locked: the secret is unreadable now, which is the same as absent.
          return null;
        }
      }),

    setSecret: (key, value) =>
      exclusive(async () => {
        assertSecretKey(key);
        if (value !== null && typeof value !== 'string') throw new TypeError('secret value must be a string or null');
        if (value !== null && value.length > MAX_SECRET_LENGTH) {
          throw new RangeError(`secret value longer than ${MAX_SECRET_LENGTH} characters`);
        }
        const data = await load();
        const previous = data.secrets.get(key);
        if (value === null) {
          if (previous === undefined) return;
          data.secrets.delete(key);
        } else {
          if (!isSecretStorageAvailable()) throw new SecretStorageUnavailableError();
          if (previous === undefined && data.secrets.size >= MAX_SECRETS) {
            throw new RangeError(`at most ${MAX_SECRETS} secrets can be stored`);
          }
          data.secrets.set(key, safeStorage.encryptString(value).toString('base64'));
        }
        try {
          await save(data);
        } catch (error) {
          if (previous === undefined) data.secrets.delete(key);
          else data.secrets.set(key, previous);
          throw error;
        }
      }),
  };
}
