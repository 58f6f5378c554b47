/**
 * The composition root of a meeting's page: the sections features add under the meeting's details,
 * in this order (the shape is in `features/meetings/meeting-sections.ts`). MeetingPage gets this
 * list from App, so the page never imports the features.
 */
import { BroadcastSection } from '../features/broadcast/BroadcastSection';
import { ViewersSection } from '../features/broadcast/ViewersSection';
import { documentsSection } from '../features/documents/register';
import type { MeetingSection } from '../features/meetings/meeting-sections';
import { MinutesSection } from '../features/minutes/MinutesSection';
import { RecordingsSection } from '../features/recording/RecordingsSection';
import { MeetingSignedDocuments } from '../features/signing/MeetingSignedDocuments';
import { VotesSection } from '../features/voting/VotesSection';

export const MEETING_SECTIONS: readonly MeetingSection[] = [
  // The live broadcast first: for watch-only viewers it is the reason they are here.
  { id: 'broadcast', column: 'main', Component: BroadcastSection },
  documentsSection,
  { id: 'votes', column: 'main', Component: VotesSection },
  { id: 'minutes', column: 'main', Component: MinutesSection },
  // The archive of recordings (issue 14).
  { id: 'recordings', column: 'main', Component: RecordingsSection },
  { id: 'signed-documents', column: 'main', Component: MeetingSignedDocuments },
  { id: 'viewers', column: 'side', Component: ViewersSection },
];
