/**
 * Capturing a screen or a window. In a browser, getDisplayMedia shows the browser's own picker. In
 * Electron, the app's picker (ScreenPicker) lists the sources with thumbnails through the preload;
 * the chosen one is handed to the main process, which answers the next getDisplayMedia call with it.
 */
import { desktopApi } from '../../../platform/desktop';

/** Screen content: sharp text matters more than motion; 15 frames per second are enough. */
const DISPLAY_CONSTRAINTS: DisplayMediaStreamOptions = {
  video: { frameRate: { ideal: 15, max: 30 }, width: { max: 1920 }, height: { max: 1080 } },
  audio: false,
};

/** Whether this client can share its screen at all (old browsers, most phones cannot). */
export function canShareScreen(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
}

/** Whether the app's own picker is used (Electron) instead of the browser's. */
export const usesAppPicker = (): boolean => desktopApi() !== undefined;

/**
 * The video track of a display capture. With `sourceId` (Electron) the main process is told first
 * which source to grant. A user who cancels gets a DOMException named NotAllowedError.
 */
export async function captureScreen(sourceId?: string): Promise<MediaStreamTrack> {
  const desktop = desktopApi();
  if (desktop && sourceId) await desktop.selectScreenSource(sourceId);
  const stream = await navigator.mediaDevices.getDisplayMedia(DISPLAY_CONSTRAINTS);
  const [track, ...others] = stream.getTracks();
  for (const t of others) t.stop();
  if (!track || track.kind !== 'video') {
    track?.stop();
    throw new Error('no video in the screen capture');
  }
  return track;
}

/** The user closed the picker or refused: not an error worth showing. */
export const isCancelled = (err: unknown): boolean => err instanceof DOMException && (err.name === 'NotAllowedError' || err.name === 'AbortError');
