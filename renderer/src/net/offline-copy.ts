/**
 * The last answer of a few GET requests the app needs to start and show a meeting (who is signed
 * in, my meetings, one meeting, units and bridge points), kept on the device so that with no
 * network the app still opens on what was last seen. Only used when the server cannot be reached
 * (never after a 401), and forgotten at logout or when another account signs in.
 */
const PREFIX = 'phonghop.offline:';
const OWNER = `${PREFIX}owner`;

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export const offlineCopy = {
  keep(path: string, value: unknown): void {
    try {
      storage()?.setItem(PREFIX + path, JSON.stringify(value));
    } catch {
      /* full or disabled: the copy is a convenience */
    }
  },

  read(path: string): unknown {
    const text = storage()?.getItem(PREFIX + path);
    if (!text) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  },

  /** The copies belong to one account: a different one signing in starts afresh. */
  ownedBy(accountId: string): void {
    const s = storage();
    if (s?.getItem(OWNER) === accountId) return;
    this.clear();
    s?.setItem(OWNER, accountId);
  },

  clear(): void {
    const s = storage();
    if (!s) return;
    for (const key of Object.keys(s)) if (key.startsWith(PREFIX)) s.removeItem(key);
  },
};
