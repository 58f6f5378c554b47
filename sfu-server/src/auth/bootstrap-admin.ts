/**
 * First start with an empty store: creates the `admin` account, with ADMIN_PASSWORD or a one-time
 * password printed once in the server log.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../observability/logger';
import type { DirectoryService } from '../meetings/directory-service';

export async function ensureAdmin(directory: DirectoryService, logger: Logger, password?: string): Promise<void> {
  const any = await directory.db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
  if (any) return;
  const oneTime = password ?? randomBytes(12).toString('base64url');
  await directory.createAccount(null, {
    username: 'admin',
    displayName: 'Quản trị hệ thống',
    title: '',
    role: 'admin',
    unitId: null,
    bridgePointId: null,
    password: oneTime,
  });
  if (password) logger.warn({ username: 'admin' }, 'first start: admin account created with ADMIN_PASSWORD');
  else logger.warn({ username: 'admin', password: oneTime }, 'first start: admin account created; this one-time password is shown only now — change it after logging in');
}
