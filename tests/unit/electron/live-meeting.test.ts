/**
 * No accidental drops in the desktop app: the display stays awake while a meeting is live, the
 * window asks before a close or reload drops it, and the application menu has no shortcut that
 * reloads or closes without going through that question. Pure modules first, then main wired
 * against the recording stand-in for 'electron' (no Electron binary here).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DESKTOP_IPC } from '../../../common/desktop-api.js';
import { appMenuTemplate } from '../../../electron/main/app-menu.js';
import { createLiveMeetingKeeper, LEAVE_BUTTON, leaveQuestion, onWillPreventUnload, type PowerSaveBlockerLike } from '../../../electron/main/live-meeting.js';
import { createFakeElectron, type FakeRecord } from '../../electron/fixtures/fake-electron.mjs';

function recordingBlocker() {
  const started = new Map<number, string>();
  let next = 0;
  const blocker: PowerSaveBlockerLike = {
    start: (type) => (started.set(++next, type), next),
    stop: (id) => started.delete(id),
    isStarted: (id) => started.has(id),
  };
  return { blocker, started };
}

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

describe('the live meeting keeper', () => {
  it('keeps the display awake once while live, and lets it sleep when the meeting ends or the window goes', () => {
    const { blocker, started } = recordingBlocker();
    const keeper = createLiveMeetingKeeper(blocker);
    expect(keeper.isLive()).toBe(false);
    keeper.setLive(true, 'en');
    keeper.setLive(true, 'en'); // a rejoin says it again: still one blocker
    expect([...started.values()]).toEqual(['prevent-display-sleep']);
    expect(keeper.isLive()).toBe(true);
    expect(keeper.language()).toBe('en');
    keeper.setLive(false, 'en');
    expect(started.size).toBe(0);
    expect(keeper.isLive()).toBe(false);
    keeper.setLive(true, 'vi');
    expect(started.size).toBe(1);
    keeper.dispose();
    expect(started.size).toBe(0);
  });

  it('asks in the page language, "stay" by default and on Escape; only "leave" lets the unload go on', () => {
    const vi = leaveQuestion('vi');
    expect(vi.buttons).toEqual(['Ở lại cuộc họp', 'Rời cuộc họp']);
    expect(vi.defaultId).toBe(0);
    expect(vi.cancelId).toBe(0);
    expect(leaveQuestion('en').buttons![LEAVE_BUTTON]).toBe('Leave the meeting');

    const keeper = createLiveMeetingKeeper(recordingBlocker().blocker);
    keeper.setLive(true, 'en');
    const asked: string[] = [];
    let answer = 0;
    const listener = onWillPreventUnload(keeper, (options) => (asked.push(options.message), answer));
    const stay = { prevented: false, preventDefault() { this.prevented = true; } };
    listener(stay);
    expect(stay.prevented).toBe(false);
    answer = LEAVE_BUTTON;
    const leave = { prevented: false, preventDefault() { this.prevented = true; } };
    listener(leave);
    expect(leave.prevented).toBe(true);
    expect(asked).toEqual(['You are in a live meeting.', 'You are in a live meeting.']);
  });
});

describe('the application menu', () => {
  const actions = () => ({ reload: vi.fn(), closeWindow: vi.fn(), quit: vi.fn() });

  for (const platform of ['win32', 'linux', 'darwin'] as const) {
    it(`${platform}: reload and close go through the page (which asks in a live meeting); no force reload, no dev tools when packaged`, () => {
      const a = actions();
      const items = flatten(appMenuTemplate({ platform, devTools: false, language: 'vi', actions: a }));
      const roles = items.map((i) => i.role).filter(Boolean);
      expect(roles).not.toContain('reload');
      expect(roles).not.toContain('forceReload');
      expect(roles).not.toContain('close');
      expect(roles).not.toContain('quit');
      expect(roles).not.toContain('toggleDevTools');
      expect(roles).toEqual(expect.arrayContaining(['copy', 'paste', 'selectAll', 'zoomIn', 'zoomOut', 'resetZoom']));
      const byKey = new Map(items.filter((i) => i.accelerator).map((i) => [String(i.accelerator), i]));
      expect([...byKey.keys()].sort()).toEqual(platform === 'darwin' ? ['Cmd+Q', 'CmdOrCtrl+R', 'CmdOrCtrl+W', 'F5'] : ['CmdOrCtrl+R', 'CmdOrCtrl+W', 'Ctrl+Q', 'F5']);
      const click = (key: string) => (byKey.get(key)!.click as () => void)();
      click('CmdOrCtrl+R');
      click('F5');
      click('CmdOrCtrl+W');
      click(platform === 'darwin' ? 'Cmd+Q' : 'Ctrl+Q');
      expect(a.reload).toHaveBeenCalledTimes(2);
      expect(a.closeWindow).toHaveBeenCalledTimes(1);
      expect(a.quit).toHaveBeenCalledTimes(1);
      expect(byKey.get('F5')!.acceleratorWorksWhenHidden).toBe(true);
    });
  }

  it('offers the developer tools in development only', () => {
    const roles = (devTools: boolean) => flatten(appMenuTemplate({ platform: 'linux', devTools, language: 'en', actions: actions() })).map((i) => i.role);
    expect(roles(true)).toContain('toggleDevTools');
    expect(roles(false)).not.toContain('toggleDevTools');
  });
});

describe('main process: live meeting wiring', () => {
  const SERVER = 'http://127.0.0.1:45679';
  let root: string;

  beforeEach(async () => {
    vi.resetModules();
    root = await mkdtemp(path.join(tmpdir(), 'phonghop-live-'));
    const appPath = path.join(root, 'app');
    const userDataPath = path.join(root, 'user data');
    await mkdir(appPath, { recursive: true });
    await mkdir(userDataPath, { recursive: true });
    await writeFile(path.join(userDataPath, 'settings.json'), JSON.stringify({ serverUrl: SERVER }));
    globalThis.__PHONGHOP_FAKE_ELECTRON__ = { appPath, userDataPath, fetch: async (url) => ({ ok: true, status: 200, url, text: async () => '{"status":"ok"}' }) };
  });

  afterEach(async () => {
    vi.doUnmock('electron');
    globalThis.__PHONGHOP_FAKE_ELECTRON__ = undefined;
    await rm(root, { recursive: true, force: true });
  });

  async function startMain(): Promise<FakeRecord> {
    const electron = createFakeElectron();
    vi.doMock('electron', () => ({ ...electron, default: electron }));
    const { mainProcessReady } = await import('../../../electron/main/index.js');
    expect(await mainProcessReady).toBe(true);
    return electron.fake;
  }

  it('the page says "live": the display stays awake; a close or reload the page holds back asks, and only "leave" lets it go', async () => {
    const fake = await startMain();
    const win = fake.windows[0]!;
    expect(win.loads.at(-1)).toEqual({ kind: 'url', target: `${SERVER}/` });
    const serverFrame = { url: `${SERVER}/#/meetings/1/join`, parent: null };
    const invoke = (frame: unknown, channel: string, ...args: unknown[]) => fake.ipcHandlers.get(channel)!({ senderFrame: frame }, ...args);

    await invoke(serverFrame, DESKTOP_IPC.setMeetingLive, true, 'vi');
    expect([...fake.powerSaveBlockers.values()]).toEqual(['prevent-display-sleep']);

    // Hostile or malformed calls are refused before anything happens.
    await expect(invoke(serverFrame, DESKTOP_IPC.setMeetingLive, 'yes', 'vi')).rejects.toThrow(/boolean/);
    await expect(invoke(serverFrame, DESKTOP_IPC.setMeetingLive, false, 'fr')).rejects.toThrow(/language/);
    await expect(invoke(serverFrame, DESKTOP_IPC.setMeetingLive, false)).rejects.toThrow(/2 argument/);
    await expect(invoke({ url: 'https://evil.vn/', parent: null }, DESKTOP_IPC.setMeetingLive, false, 'vi')).rejects.toThrow(/refused/);
    expect(fake.powerSaveBlockers.size).toBe(1);

    // The page's beforeunload held back a close: the user is asked in Vietnamese and stays.
    const stay = { prevented: false, preventDefault() { this.prevented = true; } };
    win.webContents.emit('will-prevent-unload', stay);
    expect(fake.messageBoxSyncQuestions.at(-1).buttons).toEqual(['Ở lại cuộc họp', 'Rời cuộc họp']);
    expect(stay.prevented).toBe(false);
    // Asked again, the user leaves: the unload goes on.
    fake.messageBoxSyncAnswers.push(LEAVE_BUTTON);
    const leave = { prevented: false, preventDefault() { this.prevented = true; } };
    win.webContents.emit('will-prevent-unload', leave);
    expect(leave.prevented).toBe(true);

    // A new page is not in the meeting: the display may sleep again.
    win.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false, url: `${SERVER}/` });
    expect(fake.powerSaveBlockers.size).toBe(0);
    await invoke(serverFrame, DESKTOP_IPC.setMeetingLive, true, 'en');
    await invoke(serverFrame, DESKTOP_IPC.setMeetingLive, false, 'en');
    expect(fake.powerSaveBlockers.size).toBe(0);
  });

  it('replaces the default menu: Ctrl+R and F5 reload through the page, nothing force-reloads', async () => {
    const fake = await startMain();
    const win = fake.windows[0]!;
    const items = flatten(fake.applicationMenu!);
    expect(items.map((i) => i.role)).not.toContain('forceReload');
    expect(items.map((i) => i.role)).not.toContain('reload');
    for (const key of ['CmdOrCtrl+R', 'F5']) (items.find((i) => i.accelerator === key)!.click as () => void)();
    expect(win.webContents.reloads).toBe(2);
  });
});
