/**
 * Documents in the conference: presenting a document (everyone follows the presenter's page),
 * the chair designating a presenter, and live pushes about the pack and its comments.
 */
import { z } from 'zod';
import { DocComment } from '../api/documents';

const Uuid = z.string().uuid();

export const ActivePresentation = z.object({
  presenterAccountId: Uuid,
  presenterName: z.string(),
  documentId: Uuid,
  versionId: Uuid,
  /** 1-based. */
  page: z.number().int().min(1),
});
export type ActivePresentation = z.infer<typeof ActivePresentation>;

/** What a meeting's room shows of documents right now. */
export const PresentationState = z.object({
  presentation: ActivePresentation.nullable(),
  /** Someone the chair allowed to present (besides the chair and the secretary), or null. */
  designatedAccountId: Uuid.nullable(),
});
export type PresentationState = z.infer<typeof PresentationState>;

export const documentsRequests = {
  /** The room's presentation state (for late joiners and after a reconnect), and what the caller may do. */
  'doc.presentation': {
    request: z.strictObject({}),
    response: z.object({ state: PresentationState, mayPresent: z.boolean(), mayDesignate: z.boolean() }),
  },
  /** Starts (or switches) presenting a document at a page; everyone in the room follows. */
  'doc.present': {
    request: z.strictObject({ documentId: Uuid, versionId: Uuid, page: z.number().int().min(1).max(100_000) }),
    response: PresentationState,
  },
  /** The presenter turns to a page. */
  'doc.setPage': {
    request: z.strictObject({ page: z.number().int().min(1).max(100_000) }),
    response: PresentationState,
  },
  'doc.stopPresenting': { request: z.strictObject({}), response: PresentationState },
  /** The chair lets one more person present (null takes it back). */
  'doc.designate': { request: z.strictObject({ accountId: Uuid.nullable() }), response: PresentationState },
} as const;

export interface DocumentsNotifications {
  docPresentation: PresentationState;
  /** The pack changed (published, a document added or replaced): load it again. */
  docPackChanged: { meetingId: string };
  /** A new comment the receiver may read. */
  docComment: { comment: DocComment };
}
