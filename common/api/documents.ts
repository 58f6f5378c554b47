/**
 * The paperless meeting pack over HTTP: documents attached to agenda items, their versions,
 * confidentiality, the pack's publication and watermark setting, and comments.
 */
import { z } from 'zod';
import { Id, Name, Role } from './model';

export const DocumentVersion = z.object({
  id: Id,
  /** 1 for the first upload, then 2, 3… */
  number: z.number().int(),
  fileName: z.string(),
  size: z.number().int(),
  /** SHA-256 of the file, hex: the file is stored under this name, and a reader can check it. */
  sha256: z.string(),
  pageCount: z.number().int(),
  uploadedAt: z.string(),
  uploadedBy: z.string(),
});
export type DocumentVersion = z.infer<typeof DocumentVersion>;

export const MeetingDocument = z.object({
  id: Id,
  meetingId: Id,
  /** null when its agenda item was removed from the agenda (listed under "other documents"). */
  agendaItemId: Id.nullable(),
  title: z.string(),
  confidential: z.boolean(),
  /** Confidential documents: the roles and people (besides the organisers) who may read them. */
  allowedRoles: z.array(Role),
  allowedAccountIds: z.array(Id),
  /** This document's own watermark choice; null follows the meeting's setting. */
  watermarkSetting: z.boolean().nullable(),
  /** Whether pages are watermarked for the reader (always for confidential documents). */
  watermark: z.boolean(),
  /** The newest version first. */
  versions: z.array(DocumentVersion).min(1),
});
export type MeetingDocument = z.infer<typeof MeetingDocument>;

export const PackItem = z.object({
  agendaItemId: Id.nullable(),
  position: z.number().int(),
  title: z.string(),
  documents: z.array(MeetingDocument),
});
export type PackItem = z.infer<typeof PackItem>;

export const DocumentPack = z.object({
  meetingId: Id,
  meetingTitle: z.string(),
  published: z.boolean(),
  publishedAt: z.string().nullable(),
  /** The meeting's watermark setting for documents that are not confidential. */
  watermark: z.boolean(),
  /** The caller may upload, change and publish (secretary, chair, creator, admin). */
  canManage: z.boolean(),
  /** Agenda items in order (each with the documents the caller may read), then "other documents". */
  items: z.array(PackItem),
});
export type DocumentPack = z.infer<typeof DocumentPack>;

export const UploadQuery = z.strictObject({ agendaItemId: Id });
export const DocumentParams = z.strictObject({ id: Id });
export const VersionParams = z.strictObject({ id: Id, versionId: Id });

export const DocumentPatch = z.strictObject({
  title: Name(300).optional(),
  agendaItemId: Id.optional(),
  confidential: z.boolean().optional(),
  allowedRoles: z.array(Role).max(10).optional(),
  allowedAccountIds: z.array(Id).max(2000).optional(),
  watermarkSetting: z.boolean().nullable().optional(),
});

export const PackSettingsBody = z.strictObject({ watermark: z.boolean() });

export const DocComment = z.object({
  id: Id,
  meetingId: Id,
  agendaItemId: Id.nullable(),
  documentId: Id.nullable(),
  parentId: Id.nullable(),
  authorId: Id,
  authorName: z.string(),
  body: z.string(),
  createdAt: z.string(),
});
export type DocComment = z.infer<typeof DocComment>;

export const CommentBody = z
  .strictObject({
    agendaItemId: Id.optional(),
    documentId: Id.optional(),
    parentId: Id.optional(),
    body: Name(4000),
  })
  .refine((b) => Boolean(b.agendaItemId) !== Boolean(b.documentId), { message: 'give an agendaItemId or a documentId' });

/** The message keys of refused uploads (documents.errors.*), also sent as `messageKey`. */
export const UPLOAD_ERRORS = ['notPdf', 'encrypted', 'broken', 'empty', 'tooLarge', 'noFile', 'tooComplex'] as const;
export type UploadError = (typeof UPLOAD_ERRORS)[number];

export const MAX_DOCUMENT_MB_DEFAULT = 100;
