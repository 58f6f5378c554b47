/**
 * IPC handlers for every DESKTOP_IPC channel. `ipcMain` is passed in (Electron's in the app, a fake
 * in tests). Each call is answered only when it comes from a trusted frame, and only after its
 * arguments were checked (count, types, lengths, shapes); anything else is rejected with an error.
 */
import { DESKTOP_IPC, type SignPreparedRequest } from '../../common/desktop-api.js';
import { MEETING_LANGUAGES, type MeetingLanguage } from './live-meeting.js';
import { SOURCE_ID_PATTERN } from './screen-share.js';
import type { DesktopHandlers } from './service.js';
import { MAX_SECRET_LENGTH, SECRET_KEY_PATTERN } from './settings.js';
import { type FrameLike, MAX_SERVER_URL_LENGTH } from './url.js';

/** The part of an `IpcMainInvokeEvent` used here. */
export interface IpcInvokeEventLike {
  readonly senderFrame: FrameLike | null;
}

/** The part of Electron's `ipcMain` used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export class IpcRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpcRequestError';
  }
}

function expectCount(args: readonly unknown[], count: number): void {
  if (args.length !== count) throw new IpcRequestError(`expected ${count} argument(s), got ${args.length}`);
}

function expectString(value: unknown, name: string, max: number, pattern?: RegExp): string {
  if (typeof value !== 'string') throw new IpcRequestError(`${name} must be a string`);
  if (value.length === 0 || value.length > max) throw new IpcRequestError(`${name} must be 1..${max} characters`);
  if (pattern !== undefined && !pattern.test(value)) throw new IpcRequestError(`${name} has an invalid format`);
  return value;
}

/** The page's key plus the origin suffix (service.ts, 17 characters) must fit the store's 128. */
export const MAX_PAGE_SECRET_KEY_LENGTH = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids only: the page names what to sign, never the bytes. Any other property is refused. */
function signPreparedRequest(value: unknown): SignPreparedRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new IpcRequestError('request must be an object');
  const r = value as Record<string, unknown>;
  if (Object.keys(r).sort().join() !== 'documentId,preparationId,signer') throw new IpcRequestError('request must have exactly documentId, preparationId and signer');
  const documentId = expectString(r.documentId, 'documentId', 36, UUID);
  const preparationId = expectString(r.preparationId, 'preparationId', 36, UUID);
  const signer = r.signer;
  if (typeof signer !== 'object' || signer === null || Array.isArray(signer)) throw new IpcRequestError('signer must be an object');
  const s = signer as Record<string, unknown>;
  const keys = Object.keys(s).sort().join();
  if (s.kind === 'token' && keys === 'certificateId,kind') {
    return { documentId, preparationId, signer: { kind: 'token', certificateId: expectString(s.certificateId, 'certificateId', 600, /^\d+:[^:]*:[0-9a-f]*$/) } };
  }
  if (s.kind === 'p12' && keys === 'handle,kind') return { documentId, preparationId, signer: { kind: 'p12', handle: expectString(s.handle, 'handle', 36, UUID) } };
  throw new IpcRequestError('signer must be { kind: "token", certificateId } or { kind: "p12", handle }');
}

type Route = (args: readonly unknown[]) => Promise<unknown>;

function routes(handlers: DesktopHandlers): Record<(typeof DESKTOP_IPC)[keyof typeof DESKTOP_IPC], Route> {
  return {
    [DESKTOP_IPC.getServerUrl]: async (args) => {
      expectCount(args, 0);
      return handlers.getServerUrl();
    },
    [DESKTOP_IPC.setServerUrl]: async (args) => {
      expectCount(args, 1);
      return handlers.setServerUrl(expectString(args[0], 'url', MAX_SERVER_URL_LENGTH));
    },
    [DESKTOP_IPC.resetServerUrl]: async (args) => {
      expectCount(args, 0);
      return handlers.resetServerUrl();
    },
    [DESKTOP_IPC.listScreenSources]: async (args) => {
      expectCount(args, 0);
      return handlers.listScreenSources();
    },
    [DESKTOP_IPC.selectScreenSource]: async (args) => {
      expectCount(args, 1);
      return handlers.selectScreenSource(expectString(args[0], 'id', 256, SOURCE_ID_PATTERN));
    },
    [DESKTOP_IPC.getSecret]: async (args) => {
      expectCount(args, 1);
      return handlers.getSecret(expectString(args[0], 'key', MAX_PAGE_SECRET_KEY_LENGTH, SECRET_KEY_PATTERN));
    },
    [DESKTOP_IPC.listTokenCertificates]: async (args) => {
      expectCount(args, 0);
      return handlers.listTokenCertificates();
    },
    [DESKTOP_IPC.openP12File]: async (args) => {
      expectCount(args, 0);
      return handlers.openP12File();
    },
    [DESKTOP_IPC.signPreparedDocument]: async (args) => {
      expectCount(args, 1);
      return handlers.signPreparedDocument(signPreparedRequest(args[0]));
    },
    [DESKTOP_IPC.setMeetingLive]: async (args) => {
      expectCount(args, 2);
      if (typeof args[0] !== 'boolean') throw new IpcRequestError('live must be a boolean');
      if (!MEETING_LANGUAGES.includes(args[1] as MeetingLanguage)) throw new IpcRequestError(`language must be one of ${MEETING_LANGUAGES.join(', ')}`);
      return handlers.setMeetingLive(args[0], args[1] as MeetingLanguage);
    },
    [DESKTOP_IPC.setSecret]: async (args) => {
      expectCount(args, 2);
      const key = expectString(args[0], 'key', MAX_PAGE_SECRET_KEY_LENGTH, SECRET_KEY_PATTERN);
      const value = args[1] === null ? null : expectString(args[1], 'value', MAX_SECRET_LENGTH);
      return handlers.setSecret(key, value);
    },
  };
}

/**
 * Registers one `ipcMain.handle` per DESKTOP_IPC channel. Returns a function that removes them.
 * `isTrustedSender` decides from the sending frame (see `isTrustedSenderFrame` in url.ts).
 */
export function registerDesktopIpc(
  ipcMain: IpcMainLike,
  handlers: DesktopHandlers,
  isTrustedSender: (frame: FrameLike | null) => boolean,
): () => void {
  const table = routes(handlers);
  const channels = Object.keys(table);
  for (const channel of channels) {
    const route = table[channel as keyof typeof table];
    ipcMain.handle(channel, async (event, ...args) => {
      if (!isTrustedSender(event.senderFrame ?? null)) {
        throw new IpcRequestError('request refused: the sender is neither the server page nor the setup page');
      }
      return route(args);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
