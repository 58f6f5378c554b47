/** Every migration, in order. A new capability adds its tables as the next numbered file. */
import type { Migration } from 'kysely';
import * as m0001 from './0001-people-and-meetings';
import * as m0002 from './0002-meetings-created-by';
import * as m0003 from './0003-documents';
import * as m0004 from './0004-collab';
import * as m0005 from './0005-attendance-floor';
import * as m0006 from './0006-votes';
import * as m0007 from './0007-chat';
import * as m0008 from './0008-signatures';
import * as m0009 from './0009-minutes';
import * as m0010 from './0010-session-families';
import * as m0011 from './0011-recordings';
import * as m0012 from './0012-watch-only';
import * as m0013 from './0013-attendance-server';

export const migrations: Record<string, Migration> = {
  '0001-people-and-meetings': m0001,
  '0002-meetings-created-by': m0002,
  '0003-documents': m0003,
  '0004-collab': m0004,
  '0005-attendance-floor': m0005,
  '0006-votes': m0006,
  '0007-chat': m0007,
  '0008-signatures': m0008,
  '0009-minutes': m0009,
  '0010-session-families': m0010,
  '0011-recordings': m0011,
  '0012-watch-only': m0012,
  '0013-attendance-server': m0013,
};
