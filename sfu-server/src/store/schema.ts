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
  /** Sliding idle expiry: moved on at each refresh, never past absolute_expires_at. */
  expires_at: string;
  revoked_at: string | null;
  /**
   * Fixed at login (SESSION_MAX_DAYS): no refresh extends a session past it. Null only for rows
   * written by tools (benchmarks): such a session ends SESSION_MAX_DAYS after created_at.
   */
  absolute_expires_at: string | null;
  /** The refresh token rotated away from last, and when (the concurrent-refresh grace window). */
  previous_refresh_hash: string | null;
  rotated_at: string | null;
}

/** Refresh tokens a session has rotated away from: presenting one again ends the session. */
export interface RetiredRefreshTokensTable {
  hash: string;
  session_id: string;
  retired_at: string;
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

/** Watch-only invitations (migration 0012): the broadcast, the agenda, the published documents; no seat. */
export interface MeetingViewersTable {
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

export interface VotesTable {
  id: string;
  meeting_id: string;
  agenda_item_id: string | null;
  question: string;
  options: string;
  custom: number;
  max_choices: number;
  secret: number;
  duration_seconds: number | null;
  voter_ids: string | null;
  quorum: string;
  pass_rule: string;
  status: string;
  eligible_ids: string | null;
  opened_at: string | null;
  closes_at: string | null;
  closed_at: string | null;
  result: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** Who has voted: no time, and no choice for secret votes (see migration 0006). */
export interface VoteVotersTable {
  vote_id: string;
  account_id: string;
  recorded_by: string | null;
  choices: string | null;
}

export interface VoteTalliesTable {
  vote_id: string;
  option_id: string;
  count: number;
}

export interface VoteChainTable {
  meeting_id: string;
  seq: number;
  event: string;
  prev_hash: string;
  hash: string;
}

export interface ChatMessagesTable {
  seq: Generated<number>;
  id: string;
  meeting_id: string;
  thread: string;
  sender_id: string;
  sender_name: string;
  point_name: string;
  body: string;
  at: string;
}

/** Per meeting: floor holder, controlled mode, limits, host point, lock, quorum rule (JSON). */
export interface MeetingRoomStateTable {
  meeting_id: string;
  controlled: number;
  limit_seconds: number;
  warning_seconds: number;
  host_point_id: string | null;
  locked: number;
  quorum_rule: string;
  holder_account_id: string | null;
  holder_name: string;
  holder_point: string;
  holder_topic: string;
  holder_started_at: string | null;
  updated_at: string;
}

/** Who speaks, as a request to speak and a speaking turn both record it. */
interface SpeakerColumns {
  id: string;
  meeting_id: string;
  account_id: string;
  display_name: string;
  point_name: string;
  topic: string;
}

export interface SpeakRequestsTable extends SpeakerColumns {
  requested_at: string;
  status: string;
  ended_at: string | null;
}

export interface MeetingModerationTable {
  meeting_id: string;
  account_id: string;
  display_name: string;
  host_muted: number;
  removed: number;
  updated_at: string;
}

export interface AttendanceTable {
  meeting_id: string;
  account_id: string;
  display_name: string;
  role: string;
  bridge_point_id: string | null;
  first_joined_at: string | null;
  last_left_at: string | null;
  online_since: string | null;
  total_seconds: number;
  marked_present: number;
  marked_at_point_id: string | null;
  marked_by: string | null;
  updated_at: string;
  /** Several servers: the server carrying the open presence (null when closed, or on one server). Migration 0013. */
  server_id: string | null;
}

export interface RollCallsTable {
  meeting_id: string;
  bridge_point_id: string;
  present_count: number;
  taken_by: string;
  taken_at: string;
}

export interface TrustAnchorsTable {
  id: string;
  subject: string;
  organization: string;
  issuer: string;
  fingerprint: string;
  der_base64: string;
  not_before: string;
  not_after: string;
  added_by: string | null;
  created_at: string;
}

export interface SignedDocumentsTable {
  id: string;
  meeting_id: string;
  document_key: string;
  version: number;
  title: string;
  file_name: string;
  sha256: string;
  size: number;
  status: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface DocumentSignaturesTable {
  id: string;
  document_id: string;
  account_id: string;
  signer_role: string;
  certificate_subject: string;
  certificate_fingerprint: string;
  signed_at: string;
}

/** One binary Yjs update (or a compacted snapshot) of a collaboration document. */
export interface CollabUpdatesTable {
  id: Generated<number>;
  doc_name: string;
  data: Uint8Array;
  created_at: string;
}

/** One speaking turn: from when the floor was given to when it was taken back or given to another. */
export interface SpeakingTurnsTable extends SpeakerColumns {
  started_at: string;
  ended_at: string | null;
}

/** The signed-document key of a meeting's minutes (its PDF versions to sign). */
export interface MeetingMinutesTable {
  meeting_id: string;
  document_key: string;
  pack_document_id: string | null;
  updated_at: string;
}

/** A recording of a meeting's conference (recording/). */
export interface RecordingsTable {
  id: string;
  meeting_id: string;
  status: string;
  confidential: number;
  started_by: string;
  started_at: string;
  stopped_by: string | null;
  stopped_at: string | null;
  progress: number;
  duration_seconds: number | null;
  size_bytes: number | string | null;
  sha256: string | null;
  error: string | null;
  deleted_by: string | null;
  deleted_at: string | null;
}

export interface Database {
  units: UnitsTable;
  bridge_points: BridgePointsTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  retired_refresh_tokens: RetiredRefreshTokensTable;
  meetings: MeetingsTable;
  meeting_points: MeetingPointsTable;
  meeting_delegates: MeetingDelegatesTable;
  meeting_viewers: MeetingViewersTable;
  agenda_items: AgendaItemsTable;
  audit_log: AuditLogTable;
  document_packs: DocumentPacksTable;
  documents: DocumentsTable;
  document_readers: DocumentReadersTable;
  document_versions: DocumentVersionsTable;
  document_comments: DocumentCommentsTable;
  votes: VotesTable;
  vote_voters: VoteVotersTable;
  vote_tallies: VoteTalliesTable;
  vote_chain: VoteChainTable;
  chat_messages: ChatMessagesTable;
  meeting_room_state: MeetingRoomStateTable;
  speak_requests: SpeakRequestsTable;
  meeting_moderation: MeetingModerationTable;
  attendance: AttendanceTable;
  roll_calls: RollCallsTable;
  trust_anchors: TrustAnchorsTable;
  signed_documents: SignedDocumentsTable;
  document_signatures: DocumentSignaturesTable;
  collab_updates: CollabUpdatesTable;
  speaking_turns: SpeakingTurnsTable;
  meeting_minutes: MeetingMinutesTable;
  recordings: RecordingsTable;
}
