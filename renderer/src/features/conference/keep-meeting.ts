/**
 * While this page is in a live meeting: the screen does not sleep (the Screen Wake Lock API in a
 * browser, taken again when the page becomes visible since the browser drops it on hiding; in the
 * desktop app the main process's powerSaveBlocker through `setMeetingLive`), and closing or
 * reloading the page asks first (`beforeunload`; in Electron main turns it into the app's own
 * question, electron/main/live-meeting.ts).
 */
import { useEffect } from 'react';
import i18next from 'i18next';
import { desktopApi } from '../../platform/desktop';

interface WakeLockSentinelLike {
  released: boolean;
  release(): Promise<void>;
}
interface WakeLockLike {
  request(type: 'screen'): Promise<WakeLockSentinelLike>;
}

const language = (): 'vi' | 'en' => (i18next.language === 'en' ? 'en' : 'vi');

export function useKeepMeeting(live: boolean): void {
  useEffect(() => {
    if (!live) return;
    let stopped = false;
    let sentinel: WakeLockSentinelLike | null = null;
    const wakeLock = (navigator as Navigator & { wakeLock?: WakeLockLike }).wakeLock;
    const acquire = () => {
      if (!wakeLock || document.visibilityState !== 'visible' || (sentinel && !sentinel.released)) return;
      wakeLock
        .request('screen')
        .then((s) => {
          if (stopped) void s.release();
          else sentinel = s;
        })
        // Refused (battery saver, an insecure page): the meeting goes on; the screen may dim.
        .catch(() => undefined);
    };
    acquire();
    document.addEventListener('visibilitychange', acquire);

    const beforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show their question only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', beforeUnload);

    const desktop = desktopApi();
    void desktop?.setMeetingLive?.(true, language()).catch(() => undefined);
    return () => {
      stopped = true;
      document.removeEventListener('visibilitychange', acquire);
      window.removeEventListener('beforeunload', beforeUnload);
      if (sentinel && !sentinel.released) void sentinel.release().catch(() => undefined);
      void desktop?.setMeetingLive?.(false, language()).catch(() => undefined);
    };
  }, [live]);
}
