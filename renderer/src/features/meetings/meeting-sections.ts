/**
 * The shape of a section a feature adds to a meeting's page (the documents of the pack, prepared
 * votes, minutes, attendance...), without editing MeetingPage. Types only: the list is composed in
 * `app/meeting-sections.ts` (the composition root) and handed to MeetingPage, so the page never
 * imports the features that import these types (every import points down). A section decides itself
 * whether it has anything to show for this person.
 */
import type { ComponentType } from 'react';
import type { Account, Meeting } from '../../../../common/api/model';
import type { MeetingChanges } from './meeting-watch';

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
