import { describe, expect, it } from 'vitest';
import { DESKTOP_IPC } from '../../../common/desktop-api.js';
import type { HealthResult } from '../../../electron/main/health.js';
import { type IpcInvokeEventLike, type IpcMainLike, registerDesktopIpc } from '../../../electron/main/ipc.js';
import { createScreenShareController } from '../../../electron/main/screen-share.js';
import { createDesktopService } from '../../../electron/main/service.js';
import { type FrameLike, isTrustedSenderFrame, type TrustPolicy } from '../../../electron/main/url.js';

type Listener = (event: IpcInvokeEventLike, ...args: unknown[]) => unknown;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`duplicate handler ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Like ipcRenderer.invoke: the handler's result or rejection. */
  async invoke(frame: FrameLike | null, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame: frame }, ...args);
  }
}

const SETUP = 'file:///opt/phonghop/resources/app.asar/renderer/dist/index.html';
const SERVER = 'https://phonghop.example.gov.vn';
const serverFrame: FrameLike = { url: `${SERVER}/room/1`, parent: null };
const DOC = '2b0e8e9e-7a53-4d0e-9a57-0d3f7c1b2a11';
const PREP = '7c9d1f20-5b1a-4c43-8e2e-3a4b5c6d7e8f';
const setupFrame: FrameLike = { url: `${SETUP}#/setup`, parent: null };

function setup(options: { health?: HealthResult; serverOrigin?: string | null } = {}) {
  let serverOrigin = options.serverOrigin === undefined ? SERVER : options.serverOrigin;
  const policy: TrustPolicy = { serverOrigin: () => serverOrigin, setupPageUrl: SETUP };
  const stored: { serverUrl: string | null; secrets: Map<string, string> } = { serverUrl: null, secrets: new Map() };
  const healthChecks: string[] = [];
  const changes: Array<string | null> = [];
  const screenShare = createScreenShareController({
    getSources: async () => [
      { id: 'screen:0:0', name: 'Màn hình', thumbnail: { toDataURL: () => 'data:image/png;base64,AA' } },
    ],
  });
  const service = createDesktopService({
    settings: {
      getServerUrl: async () => stored.serverUrl,
      setServerUrl: async (url) => {
        stored.serverUrl = url;
      },
      getSecret: async (key) => stored.secrets.get(key) ?? null,
      setSecret: async (key, value) => {
        if (value === null) stored.secrets.delete(key);
        else stored.secrets.set(key, value);
      },
    },
    checkHealth: async (url) => {
      healthChecks.push(url);
      return options.health ?? { ok: true };
    },
    screenShare,
    onServerUrlChanged: (url) => {
      changes.push(url);
      serverOrigin = url === null ? null : new URL(url).origin;
    },
  });
  const ipc = new FakeIpcMain();
  const unregister = registerDesktopIpc(ipc, service, (frame) => isTrustedSenderFrame(frame, policy));
  return { ipc, unregister, stored, healthChecks, changes, screenShare };
}

describe('registerDesktopIpc', () => {
  it('handles exactly the DESKTOP_IPC channels and can unregister them', () => {
    const { ipc, unregister } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(Object.values(DESKTOP_IPC).sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('refuses every channel to untrusted frames without calling the service', async () => {
    const { ipc, stored, healthChecks } = setup();
    const untrusted: Array<FrameLike | null> = [
      null,
      { url: 'https://evil.vn/', parent: null },
      { url: `${SERVER}/embedded`, parent: serverFrame },
      { url: 'file:///home/user/Downloads/evil.html', parent: null },
      { url: 'about:blank', parent: null },
    ];
    const calls: Array<[string, unknown[]]> = [
      [DESKTOP_IPC.getServerUrl, []],
      [DESKTOP_IPC.setServerUrl, ['https://evil.vn']],
      [DESKTOP_IPC.resetServerUrl, []],
      [DESKTOP_IPC.listScreenSources, []],
      [DESKTOP_IPC.selectScreenSource, ['screen:0:0']],
      [DESKTOP_IPC.getSecret, ['session']],
      [DESKTOP_IPC.setSecret, ['session', 'stolen']],
      [DESKTOP_IPC.listTokenCertificates, []],
      [DESKTOP_IPC.openP12File, []],
      [DESKTOP_IPC.signPreparedDocument, [{ documentId: DOC, preparationId: PREP, signer: { kind: 'token', certificateId: '0:1:a1' } }]],
      [DESKTOP_IPC.setMeetingLive, [true, 'vi']],
    ];
    for (const frame of untrusted) {
      for (const [channel, args] of calls) {
        await expect(ipc.invoke(frame, channel, ...args), `${channel} from ${frame?.url}`).rejects.toThrow(/request refused/);
      }
    }
    expect(stored.serverUrl).toBeNull();
    expect(stored.secrets.size).toBe(0);
    expect(healthChecks).toEqual([]);
  });

  it('validates argument count, types, lengths and shapes', async () => {
    const { ipc, stored } = setup();
    const bad: Array<[string, unknown[]]> = [
      [DESKTOP_IPC.getServerUrl, ['extra']],
      [DESKTOP_IPC.setServerUrl, []],
      [DESKTOP_IPC.setServerUrl, [42]],
      [DESKTOP_IPC.setServerUrl, [{ toString: () => 'https://a.vn' }]],
      [DESKTOP_IPC.setServerUrl, ['']],
      [DESKTOP_IPC.setServerUrl, [`https://a.vn/${'x'.repeat(2100)}`]],
      [DESKTOP_IPC.setServerUrl, ['https://a.vn', 'extra']],
      [DESKTOP_IPC.resetServerUrl, [true]],
      [DESKTOP_IPC.listScreenSources, [1]],
      [DESKTOP_IPC.selectScreenSource, []],
      [DESKTOP_IPC.selectScreenSource, [7]],
      [DESKTOP_IPC.selectScreenSource, ['not-a-source']],
      [DESKTOP_IPC.selectScreenSource, [`screen:${'0'.repeat(300)}`]],
      [DESKTOP_IPC.getSecret, []],
      [DESKTOP_IPC.getSecret, ['']],
      [DESKTOP_IPC.getSecret, ['../../etc/passwd']],
      [DESKTOP_IPC.getSecret, ['k'.repeat(129)]],
      [DESKTOP_IPC.setSecret, ['session']],
      [DESKTOP_IPC.setSecret, ['session', undefined]],
      [DESKTOP_IPC.setSecret, ['session', 12]],
      [DESKTOP_IPC.setSecret, ['session', '']],
      [DESKTOP_IPC.setSecret, ['session', 'x'.repeat(16 * 1024 + 1)]],
      [DESKTOP_IPC.setSecret, ['bad key', 'v']],
      [DESKTOP_IPC.listTokenCertificates, ['extra']],
      [DESKTOP_IPC.getSecret, ['k'.repeat(101)]],
      [DESKTOP_IPC.openP12File, ['/home/user/id.p12']],
      [DESKTOP_IPC.setMeetingLive, []],
      [DESKTOP_IPC.setMeetingLive, [1, 'vi']],
      [DESKTOP_IPC.setMeetingLive, [true, 'vi', 'extra']],
      [DESKTOP_IPC.setMeetingLive, [true, { toString: () => 'vi' }]],
      [DESKTOP_IPC.signPreparedDocument, []],
      [DESKTOP_IPC.signPreparedDocument, ['0:1:a1', '123456', 'AAEC']],
      [DESKTOP_IPC.signPreparedDocument, [{ documentId: DOC, preparationId: PREP, signer: { kind: 'token', certificateId: '0:1:a1' } }, 'extra']],
      [DESKTOP_IPC.signPreparedDocument, [{ documentId: 'x', preparationId: PREP, signer: { kind: 'token', certificateId: '0:1:a1' } }]],
      [DESKTOP_IPC.signPreparedDocument, [{ documentId: DOC, preparationId: PREP, signer: { kind: 'token', certificateId: 'not an id' } }]],
      [DESKTOP_IPC.signPreparedDocument, [{ documentId: DOC, preparationId: PREP, signer: { kind: 'p12', handle: '/etc/passwd' } }]],
      [DESKTOP_IPC.signPreparedDocument, [{ documentId: DOC, preparationId: PREP, signer: { kind: 'hsm', certificateId: '0:1:a1' } }]],
      // The page cannot hand the bytes, the digest or the PIN: any property besides the ids is refused.
      [DESKTOP_IPC.signPreparedDocument, [{ documentId: DOC, preparationId: PREP, signer: { kind: 'token', certificateId: '0:1:a1' }, data: 'AAEC' }]],
      [DESKTOP_IPC.signPreparedDocument, [{ documentId: DOC, preparationId: PREP, signer: { kind: 'token', certificateId: '0:1:a1', pin: '123456' } }]],
      [DESKTOP_IPC.signPreparedDocument, [{ documentId: DOC, preparationId: PREP, signer: { kind: 'token', certificateId: '0:1:a1' }, signedAttributes: 'MQA=' }]],
    ];
    for (const [channel, args] of bad) {
      await expect(ipc.invoke(serverFrame, channel, ...args), `${channel} ${JSON.stringify(args).slice(0, 60)}`).rejects.toThrow();
    }
    expect(stored.secrets.size).toBe(0);
  });
});

describe('desktop service through IPC', () => {
  it('setServerUrl: validates, checks health, stores, then switches the window', async () => {
    const { ipc, stored, healthChecks, changes } = setup({ serverOrigin: null });
    expect(await ipc.invoke(setupFrame, DESKTOP_IPC.setServerUrl, ' https://PhongHop.example.gov.vn/ ')).toEqual({ ok: true });
    expect(healthChecks).toEqual([SERVER]);
    expect(stored.serverUrl).toBe(SERVER);
    expect(changes).toEqual([SERVER]);
    expect(await ipc.invoke(serverFrame, DESKTOP_IPC.getServerUrl)).toBe(SERVER);
  });

  it('setServerUrl: a malformed address fails before any network access', async () => {
    const { ipc, stored, healthChecks, changes } = setup({ serverOrigin: null });
    const result = await ipc.invoke(setupFrame, DESKTOP_IPC.setServerUrl, 'ftp://x');
    expect(result).toMatchObject({ ok: false });
    expect((result as { error: string }).error).toMatch(/http/);
    expect(healthChecks).toEqual([]);
    expect(stored.serverUrl).toBeNull();
    expect(changes).toEqual([]);
  });

  it('setServerUrl: a failed health check is reported and nothing is stored', async () => {
    const { ipc, stored, changes } = setup({ serverOrigin: null, health: { ok: false, error: 'Máy chủ không phản hồi trong 5 giây.' } });
    expect(await ipc.invoke(setupFrame, DESKTOP_IPC.setServerUrl, 'https://a.vn')).toEqual({
      ok: false,
      error: 'Máy chủ không phản hồi trong 5 giây.',
    });
    expect(stored.serverUrl).toBeNull();
    expect(changes).toEqual([]);
  });

  it('resetServerUrl forgets the address and returns to setup', async () => {
    const { ipc, stored, changes } = setup();
    stored.serverUrl = SERVER;
    expect(await ipc.invoke(serverFrame, DESKTOP_IPC.resetServerUrl)).toBeUndefined();
    expect(stored.serverUrl).toBeNull();
    expect(changes).toEqual([null]);
  });

  it('screen sources: list then select', async () => {
    const { ipc } = setup();
    await expect(ipc.invoke(serverFrame, DESKTOP_IPC.selectScreenSource, 'screen:0:0')).rejects.toThrow(/unknown screen source/);
    expect(await ipc.invoke(serverFrame, DESKTOP_IPC.listScreenSources)).toEqual([
      { id: 'screen:0:0', name: 'Màn hình', thumbnail: 'data:image/png;base64,AA', kind: 'screen' },
    ]);
    expect(await ipc.invoke(serverFrame, DESKTOP_IPC.selectScreenSource, 'screen:0:0')).toBeUndefined();
  });

  it('secrets: set, get, delete', async () => {
    const { ipc, stored } = setup();
    stored.serverUrl = SERVER;
    expect(await ipc.invoke(serverFrame, DESKTOP_IPC.getSecret, 'session')).toBeNull();
    await ipc.invoke(serverFrame, DESKTOP_IPC.setSecret, 'session', 'jwt.value');
    expect(await ipc.invoke(serverFrame, DESKTOP_IPC.getSecret, 'session')).toBe('jwt.value');
    await ipc.invoke(serverFrame, DESKTOP_IPC.setSecret, 'session', null);
    expect(await ipc.invoke(serverFrame, DESKTOP_IPC.getSecret, 'session')).toBeNull();
  });

  it('secrets are kept per server origin: another server never reads the first one\'s refresh token', async () => {
    const { ipc, stored } = setup();
    stored.serverUrl = SERVER;
    await ipc.invoke(serverFrame, DESKTOP_IPC.setSecret, 'refreshToken', 'token-of-server-a');
    // The address is changed to another server: its page asks for the same key.
    stored.serverUrl = 'https://other.example.gov.vn';
    expect(await ipc.invoke(serverFrame, DESKTOP_IPC.getSecret, 'refreshToken')).toBeNull();
    await ipc.invoke(serverFrame, DESKTOP_IPC.setSecret, 'refreshToken', 'token-of-server-b');
    // Back to the first: its own token, untouched.
    stored.serverUrl = SERVER;
    expect(await ipc.invoke(serverFrame, DESKTOP_IPC.getSecret, 'refreshToken')).toBe('token-of-server-a');
    expect(stored.secrets.size).toBe(2);
    expect([...stored.secrets.keys()].every((k) => k.startsWith('refreshToken.') && k.length === 'refreshToken.'.length + 16)).toBe(true);
    expect([...stored.secrets.values()].sort()).toEqual(['token-of-server-a', 'token-of-server-b']);
    // With no server address there is nothing to read and nowhere to write.
    stored.serverUrl = null;
    expect(await ipc.invoke(serverFrame, DESKTOP_IPC.getSecret, 'refreshToken')).toBeNull();
    await expect(ipc.invoke(setupFrame, DESKTOP_IPC.setSecret, 'refreshToken', 'x')).rejects.toThrow(/per server/);
  });
});
