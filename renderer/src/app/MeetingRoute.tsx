/**
 * The meeting page with the sections the features add to it (`meeting-sections.ts`: the pack,
 * votes, minutes, recordings, documents to sign, viewers), loaded by App on first use and ahead of
 * it once "my meetings" has shown, so that none of it is in the first download.
 */
import { MeetingPage } from '../features/meetings/MeetingPage';
import { MEETING_SECTIONS } from './meeting-sections';

export function MeetingRoute({ id }: { id: string }) {
  return <MeetingPage key={id} id={id} sections={MEETING_SECTIONS} />;
}
