/**
 * Which web permissions the window gets. Camera/microphone ('media') and screen capture
 * ('display-capture') go to the configured server's origin and nothing else; every other permission
 * is denied everywhere. Pure: no Electron.
 */
import { httpOriginOf } from './url.js';

export const GRANTABLE_PERMISSIONS: ReadonlySet<string> = new Set(['media', 'display-capture']);

export interface PermissionQuery {
  /** Electron's permission name ('media', 'display-capture', 'notifications', …). */
  permission: string;
  /** Origin or URL of the requesting frame (`requestingOrigin` / `details.requestingUrl`). */
  requestingOrigin: string | null | undefined;
  /** For media: `details.securityOrigin`, when Electron gives one. Must agree with the requester. */
  securityOrigin?: string | null | undefined;
  /** Origin or URL of the top-level page (`details.embeddingOrigin` or the webContents URL), when known. */
  topLevelOrigin?: string | null | undefined;
}

/** True only for a grantable permission asked by the configured server's own pages. */
export function decidePermission(query: PermissionQuery, serverOrigin: string | null): boolean {
  if (serverOrigin === null) return false;
  if (!GRANTABLE_PERMISSIONS.has(query.permission)) return false;
  if (httpOriginOf(query.requestingOrigin) !== serverOrigin) return false;
  for (const other of [query.securityOrigin, query.topLevelOrigin]) {
    // Empty or missing means "not reported"; anything reported must be the server too.
    if (other === null || other === undefined || other === '') continue;
    if (httpOriginOf(other) !== serverOrigin) return false;
  }
  return true;
}
