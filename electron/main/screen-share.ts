/**
 * Screen sharing without Chromium's picker: the renderer lists sources (`listScreenSources`), the
 * user picks one in the app's own picker (`selectScreenSource`), and the next `getDisplayMedia` call
 * gets that source through `session.setDisplayMediaRequestHandler`. Pure: `desktopCapturer.getSources`
 * is injected.
 */
import type { ScreenSource } from '../../common/desktop-api.js';
import { type FrameLike, httpOriginOf } from './url.js';

export const SOURCE_TYPES = ['screen', 'window'] as const;
export const THUMBNAIL_SIZE = { width: 320, height: 180 } as const;
/** A selection not used by a getDisplayMedia call within this time is dropped. */
export const SELECTION_TTL_MS = 60_000;
export const SOURCE_ID_PATTERN = /^(screen|window):[A-Za-z0-9:._-]{1,200}$/;

/** The part of Electron's `DesktopCapturerSource` used here. */
export interface CapturerSourceLike {
  id: string;
  name: string;
  thumbnail: { toDataURL(): string };
}

export interface GetSourcesOptions {
  types: Array<'screen' | 'window'>;
  thumbnailSize: { width: number; height: number };
  fetchWindowIcons: boolean;
}

export type GetSources = (options: GetSourcesOptions) => Promise<CapturerSourceLike[]>;

/** Electron's `DisplayMediaRequestHandlerHandlerRequest`, as far as used here. */
export interface DisplayMediaRequestLike {
  frame: FrameLike | null;
  securityOrigin: string;
  videoRequested: boolean;
  audioRequested: boolean;
}

/** Electron's `Streams` (video as `{ id, name }`). */
export interface DisplayMediaGrant {
  video: { id: string; name: string };
  audio?: 'loopback';
}

export interface ScreenShareController {
  listSources(): Promise<ScreenSource[]>;
  /** Throws when `id` was not in the last listing. */
  selectSource(id: string): void;
  /** The answer to a getDisplayMedia request, or null to deny it. Consumes the selection. */
  handleDisplayMediaRequest(request: DisplayMediaRequestLike, serverOrigin: string | null): DisplayMediaGrant | null;
}

export interface ScreenShareOptions {
  getSources: GetSources;
  platform?: NodeJS.Platform;
  now?: () => number;
}

export function createScreenShareController(options: ScreenShareOptions): ScreenShareController {
  const platform = options.platform ?? process.platform;
  const now = options.now ?? Date.now;
  let listed = new Map<string, string>();
  let selection: { id: string; name: string; at: number } | null = null;

  return {
    async listSources() {
      const sources = await options.getSources({
        types: [...SOURCE_TYPES],
        thumbnailSize: { ...THUMBNAIL_SIZE },
        fetchWindowIcons: false,
      });
      const next = new Map<string, string>();
      const result: ScreenSource[] = [];
      for (const source of sources) {
        if (!SOURCE_ID_PATTERN.test(source.id)) continue;
        const kind = source.id.startsWith('screen:') ? 'screen' : 'window';
        const name = String(source.name).slice(0, 512);
        next.set(source.id, name);
        result.push({ id: source.id, name, thumbnail: source.thumbnail.toDataURL(), kind });
      }
      listed = next;
      return result;
    },

    selectSource(id) {
      const name = listed.get(id);
      if (name === undefined) throw new Error('unknown screen source: list the sources first and pick one of them');
      selection = { id, name, at: now() };
    },

    handleDisplayMediaRequest(request, serverOrigin) {
      const picked = selection;
      selection = null;
      if (picked === null || now() - picked.at > SELECTION_TTL_MS) return null;
      if (serverOrigin === null || !request.videoRequested) return null;
      // Only the server's own top-level page may capture the screen (an iframe would otherwise be
      // able to obtain a capture of the page embedding it).
      const frame = request.frame;
      if (frame === null || frame.parent !== null) return null;
      if (httpOriginOf(frame.url) !== serverOrigin || httpOriginOf(request.securityOrigin) !== serverOrigin) return null;
      const grant: DisplayMediaGrant = { video: { id: picked.id, name: picked.name } };
      // System audio capture exists on Windows only.
      if (request.audioRequested && platform === 'win32') grant.audio = 'loopback';
      return grant;
    },
  };
}
