/**
 * The question other capabilities (collaboration on annotations, signatures, minutes) ask the
 * documents capability: may this person read this document? Implemented by the documents service
 * (meeting invitation, pack published, confidentiality); wired in server.ts.
 */
import type { Actor } from '../auth/policy';

export interface DocumentAccess {
  /** The meeting the document belongs to, if the actor may read the document; null otherwise (also when it does not exist). */
  readableMeeting(actor: Actor, documentId: string): Promise<string | null>;
}
