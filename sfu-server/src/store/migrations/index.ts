/** Every migration, in order. A new capability adds its tables as the next numbered file. */
import type { Migration } from 'kysely';
import * as m0001 from './0001-people-and-meetings';
import * as m0002 from './0002-meetings-created-by';
import * as m0003 from './0003-documents';
import * as m0004 from './0004-collab';

export const migrations: Record<string, Migration> = {
  '0001-people-and-meetings': m0001,
  '0002-meetings-created-by': m0002,
  '0003-documents': m0003,
  '0004-collab': m0004,
};
