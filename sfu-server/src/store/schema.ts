/**
 * The tables of the store, as Kysely sees them. Portable between SQLite and PostgreSQL: ids are
 * text UUIDs made by the application, instants are ISO-8601 UTC text, booleans are 0/1 integers.
 */
import type { Generated } from 'kysely';

export interface UnitsTable {
  id: string;
  name: string;
  level: string;
  parent_id: string | null;
  created_at: string;
}

export interface BridgePointsTable {
  id: string;
  unit_id: string;
  name: string;
  headcount: number;
  created_at: string;
}

export interface AccountsTable {
  id: string;
  username: string;
  display_name: string;
  title: string;
  role: string;
  unit_id: string | null;
  bridge_point_id: string | null;
  password_hash: string;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  account_id: string;
  refresh_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface MeetingsTable {
  id: string;
  title: string;
  description: string;
  starts_at: string;
  ends_at: string;
  status: string;
  chair_id: string;
  secretary_id: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface MeetingPointsTable {
  meeting_id: string;
  bridge_point_id: string;
}

export interface MeetingDelegatesTable {
  meeting_id: string;
  account_id: string;
}

export interface AgendaItemsTable {
  id: string;
  meeting_id: string;
  position: number;
  title: string;
  presenter: string;
  duration_minutes: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  details: string;
}

export interface DocumentPacksTable {
  meeting_id: string;
  published_at: string | null;
  published_by: string | null;
  watermark: number;
}

export interface DocumentsTable {
  id: string;
  meeting_id: string;
  agenda_item_id: string;
  title: string;
  confidential: number;
  /** JSON array of roles. */
  allowed_roles: string;
  watermark: number | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface DocumentReadersTable {
  document_id: string;
  account_id: string;
}

export interface DocumentVersionsTable {
  id: string;
  document_id: string;
  number: number;
  file_name: string;
  /** bigint: PostgreSQL returns it as a string. */
  size: number | string;
  sha256: string;
  page_count: number;
  uploaded_by: string;
  uploaded_at: string;
}

export interface DocumentCommentsTable {
  id: string;
  meeting_id: string;
  agenda_item_id: string | null;
  document_id: string | null;
  parent_id: string | null;
  author_id: string;
  body: string;
  created_at: string;
}

/** One binary Yjs update (or a compacted snapshot) of a collaboration document. */
export interface CollabUpdatesTable {
  id: Generated<number>;
  doc_name: string;
  data: Uint8Array;
  created_at: string;
}

export interface Database {
  units: UnitsTable;
  bridge_points: BridgePointsTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  meetings: MeetingsTable;
  meeting_points: MeetingPointsTable;
  meeting_delegates: MeetingDelegatesTable;
  agenda_items: AgendaItemsTable;
  audit_log: AuditLogTable;
  document_packs: DocumentPacksTable;
  documents: DocumentsTable;
  document_readers: DocumentReadersTable;
  document_versions: DocumentVersionsTable;
  document_comments: DocumentCommentsTable;
  collab_updates: CollabUpdatesTable;
}
