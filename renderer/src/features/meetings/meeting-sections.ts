/**
 * Sections features add to a meeting's page (the documents of the pack, prepared votes, minutes,
 * attendance...), without editing MeetingPage: one entry each, shown in this order under the
 * meeting's details. A section decides itself whether it has anything to show for this person.
 */
import type { ComponentType } from 'react';
import type { Account, Meeting } from '../../../../common/api/model';
import { documentsSection } from '../documents/register';
import { VotesSection } from '../voting/VotesSection';
import { MeetingSignedDocuments } from '../signing/MeetingSignedDocuments';
import type { MeetingChanges } from './meeting-watch';
import { MinutesSection } from '../minutes/MinutesSection';
import { BroadcastSection } from '../broadcast/BroadcastSection';
import { ViewersSection } from '../broadcast/ViewersSection';
import { RecordingsSection } from '../recording/RecordingsSection';

export interface MeetingSectionProps {
  meeting: Meeting;
  me: Account;
  /** Loads the meeting again (after a change that affects it). */
  reload: () => void;
  /** Pushes from the server naming the part of the meeting that changed (meeting-watch.ts). */
  changes: MeetingChanges | undefined;
}

export interface MeetingSection {
  id: string;
  /** 'main' beside the details and agenda, 'side' beside the invitations. */
  column: 'main' | 'side';
  Component: ComponentType<MeetingSectionProps>;
}

export const MEETING_SECTIONS: MeetingSection[] = [
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
