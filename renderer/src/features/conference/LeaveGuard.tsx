/**
 * Leaving the live room by moving elsewhere in the app (a link in the header, the browser's back
 * button, another page's `navigate`) asks first, as closing or reloading the page does
 * (`keep-meeting.ts`, beforeunload) and as "Rời phòng" does (`LeaveButton`). Confirmed, the app
 * goes where the user wanted and the meeting page's unmount leaves the room.
 */
import { useEffect, useState } from 'react';
import { blockNavigation, navigate } from '../../shared/router';
import { LeaveConfirmModal } from './LeaveButton';

export function LeaveGuard({ live }: { live: boolean }) {
  const [wanted, setWanted] = useState<string | null>(null);
  useEffect(() => {
    if (!live) {
      setWanted(null);
      return;
    }
    return blockNavigation(setWanted);
  }, [live]);
  return (
    <LeaveConfirmModal
      opened={wanted !== null}
      onStay={() => setWanted(null)}
      onLeave={() => {
        const to = wanted;
        setWanted(null);
        if (to !== null) navigate(to, { force: true });
      }}
    />
  );
}
