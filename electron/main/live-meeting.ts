/**
 * Keeping a live meeting from being dropped by accident (issue #15, "No accidental drops"):
 * - the display does not sleep while the page says a meeting is live (`powerSaveBlocker`
 *   'prevent-display-sleep', started once and stopped when the meeting ends or the window goes);
 * - closing the window, reloading it (menu, Ctrl+R, F5) or quitting asks first. The page sets a
 *   `beforeunload` handler while in a live meeting; Electron does not show the browser's dialog for
 *   it but emits `will-prevent-unload` on the webContents, which is answered here: the app's own
 *   question, in the page's language, "stay" by default; "leave" lets the unload go on.
 * Pure: Electron's objects are passed in, so it is unit-tested without the Electron binary.
 */
import type { MessageBoxSyncOptions } from 'electron';

export const MEETING_LANGUAGES = ['vi', 'en'] as const;
export type MeetingLanguage = (typeof MEETING_LANGUAGES)[number];

/** The part of Electron's `powerSaveBlocker` used here. */
export interface PowerSaveBlockerLike {
  start(type: 'prevent-app-suspension' | 'prevent-display-sleep'): number;
  stop(id: number): boolean | void;
  isStarted(id: number): boolean;
}

export interface LiveMeetingKeeper {
  /** The page's word: a meeting is live in this window (true) or not any more (false). */
  setLive(live: boolean, language: MeetingLanguage): void;
  isLive(): boolean;
  /** The language the page last named (for the leave question). */
  language(): MeetingLanguage;
  /** The window is gone: nothing is kept awake for it. */
  dispose(): void;
}

export function createLiveMeetingKeeper(blocker: PowerSaveBlockerLike): LiveMeetingKeeper {
  let blockerId: number | null = null;
  let lang: MeetingLanguage = 'vi';
  const stop = () => {
    if (blockerId !== null && blocker.isStarted(blockerId)) blocker.stop(blockerId);
    blockerId = null;
  };
  return {
    setLive(live, language) {
      lang = language;
      if (live && blockerId === null) blockerId = blocker.start('prevent-display-sleep');
      else if (!live) stop();
    },
    isLive: () => blockerId !== null,
    language: () => lang,
    dispose: stop,
  };
}

const TEXT: Record<MeetingLanguage, { title: string; message: string; detail: string; stay: string; leave: string }> = {
  vi: {
    title: 'Rời cuộc họp?',
    message: 'Bạn đang tham dự một cuộc họp trực tuyến.',
    detail: 'Đóng hoặc tải lại cửa sổ sẽ ngắt bạn khỏi cuộc họp.',
    stay: 'Ở lại cuộc họp',
    leave: 'Rời cuộc họp',
  },
  en: {
    title: 'Leave the meeting?',
    message: 'You are in a live meeting.',
    detail: 'Closing or reloading the window disconnects you from the meeting.',
    stay: 'Stay in the meeting',
    leave: 'Leave the meeting',
  },
};

/** The question: "stay" first, the default, and what Escape answers. */
export function leaveQuestion(language: MeetingLanguage): MessageBoxSyncOptions {
  const text = TEXT[language];
  return {
    type: 'question',
    title: text.title,
    message: text.message,
    detail: text.detail,
    buttons: [text.stay, text.leave],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
}

export const LEAVE_BUTTON = 1;

/**
 * The `will-prevent-unload` listener: asks (synchronously: the unload waits for the answer) and,
 * if the user chose to leave, calls `preventDefault()`, which in Electron means "ignore the page's
 * beforeunload and unload". Anything else keeps the page, and the meeting.
 */
export function onWillPreventUnload(keeper: Pick<LiveMeetingKeeper, 'language'>, ask: (options: MessageBoxSyncOptions) => number): (event: { preventDefault(): void }) => void {
  return (event) => {
    if (ask(leaveQuestion(keeper.language())) === LEAVE_BUTTON) event.preventDefault();
  };
}
