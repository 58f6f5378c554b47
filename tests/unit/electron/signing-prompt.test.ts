/**
 * The app's own PIN / password window (electron/main/signing-prompt.ts): a sandboxed local page,
 * not the server's origin, whose IPC answers only that window. The server's page can neither read
 * what the prompt shows nor submit a PIN, and the prompt page cannot call the page's API.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SigningConfirmation } from '../../../electron/main/document-signing';
import { createSigningPrompts, PROMPT_IPC, promptPageUrl, type PromptWindowLike } from '../../../electron/main/signing-prompt';
import { isTrustedSenderFrame, type TrustPolicy } from '../../../electron/main/url';

type Listener = (event: { sender: { id: number } }, ...args: unknown[]) => unknown;

function harness() {
  const handlers = new Map<string, Listener>();
  const windows: Array<{ options: Record<string, unknown>; urls: string[]; closed: boolean; close(): void; win: PromptWindowLike }> = [];
  let nextId = 100;
  const controller = createSigningPrompts({
    createWindow(options) {
      const id = ++nextId;
      let onClosed: (() => void) | null = null;
      const record = {
        options,
        urls: [] as string[],
        closed: false,
        close() {
          if (record.closed) return;
          record.closed = true;
          onClosed?.();
        },
        win: null as unknown as PromptWindowLike,
      };
      record.win = {
        webContents: { id },
        loadURL: async (url) => void record.urls.push(url),
        close: () => record.close(),
        isDestroyed: () => record.closed,
        once: (_event, listener) => (onClosed = listener),
      };
      windows.push(record);
      return record.win;
    },
    ipcMain: { handle: (channel, listener) => void handlers.set(channel, listener), removeHandler: (channel) => void handlers.delete(channel) },
    parent: () => ({ main: true }),
    preloadPath: '/app/electron/dist/electron/preload/signing-prompt.cjs',
    showMessageBox: async () => ({ response: 1 }),
    showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
    readFile: async () => new Uint8Array(),
  });
  const invoke = async (senderId: number, channel: string, ...args: unknown[]) => handlers.get(channel)!({ sender: { id: senderId } }, ...args);
  return { controller, handlers, windows, invoke };
}

const info: SigningConfirmation = {
  documentTitle: '<img src=x onerror=alert(1)> Biên bản',
  version: 2,
  meetingTitle: 'Họp giao ban',
  documentSha256: 'a'.repeat(64),
  signedDigest: 'b'.repeat(64),
  signerName: 'Nguyễn Văn An',
  issuerName: 'CA Thử nghiệm',
  keyLocation: 'Token Chu toa',
  server: 'https://phonghop.example.gov.vn',
};

const MAIN_WINDOW_SENDER = 1;

describe('signing prompt window', () => {
  it('is a sandboxed, isolated local page with its own preload, modal over the app', async () => {
    const { controller, windows } = harness();
    void controller.askPin(info);
    const [w] = windows;
    expect(w!.options).toMatchObject({ modal: true, parent: { main: true } });
    expect(w!.options.webPreferences).toMatchObject({ preload: '/app/electron/dist/electron/preload/signing-prompt.cjs', sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, devTools: false });
    const url = w!.urls[0]!;
    expect(url.startsWith('data:text/html')).toBe(true);
    // What it shows comes over IPC and is put in with textContent: the page itself carries no document text.
    expect(decodeURIComponent(url)).not.toContain('Biên bản');
    expect(decodeURIComponent(url)).toMatch(/Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'/);
    expect(decodeURIComponent(url)).toContain('textContent');
    expect(decodeURIComponent(url)).not.toContain('innerHTML');
    // Not the server's origin nor the setup page: the prompt page cannot call window.phonghop's channels.
    const policy: TrustPolicy = { serverOrigin: () => 'https://phonghop.example.gov.vn', setupPageUrl: 'file:///app/renderer/dist/index.html' };
    expect(isTrustedSenderFrame({ url, parent: null }, policy)).toBe(false);
    controller.dispose();
  });

  it('the PIN reaches the main process only from the prompt window; the server page can neither read nor answer it', async () => {
    const { controller, windows, invoke } = harness();
    const asked = controller.askPin(info);
    const promptId = (windows[0]!.win.webContents as { id: number }).id;
    // The server's page (another webContents) is refused on every prompt channel.
    await expect(invoke(MAIN_WINDOW_SENDER, PROMPT_IPC.request)).rejects.toThrow(/not an open signing prompt/);
    await expect(invoke(MAIN_WINDOW_SENDER, PROMPT_IPC.submit, '000000')).rejects.toThrow(/not an open signing prompt/);
    await expect(invoke(MAIN_WINDOW_SENDER, PROMPT_IPC.cancel)).rejects.toThrow(/not an open signing prompt/);
    // The prompt shows the document, meeting, SHA-256 and signer.
    const view = (await invoke(promptId, PROMPT_IPC.request)) as { rows: Array<[string, string]>; secretLabel: string };
    expect(view.secretLabel).toBe('Mã PIN của token');
    expect(Object.fromEntries(view.rows)).toMatchObject({ 'Cuộc họp': 'Họp giao ban', 'SHA-256 của văn bản': 'a'.repeat(64), 'SHA-256 phần được ký': 'b'.repeat(64), 'Người ký': 'Nguyễn Văn An' });
    await expect(invoke(promptId, PROMPT_IPC.submit, 'p'.repeat(300))).rejects.toThrow(/invalid secret/);
    await invoke(promptId, PROMPT_IPC.submit, '246810');
    expect(await asked).toBe('246810');
    expect(windows[0]!.closed).toBe(true);
    // Answered once: the window's channels are closed for it now.
    await expect(invoke(promptId, PROMPT_IPC.submit, '246810')).rejects.toThrow(/not an open signing prompt/);
    controller.dispose();
  });

  it('closing the window or pressing Hủy is refusing', async () => {
    const { controller, windows, invoke } = harness();
    const first = controller.askPin(info);
    windows[0]!.close();
    expect(await first).toBeNull();
    const second = controller.askP12Password('id.p12');
    await invoke((windows[1]!.win.webContents as { id: number }).id, PROMPT_IPC.cancel);
    expect(await second).toBeNull();
    const third = controller.askPin(info);
    controller.dispose();
    expect(await third).toBeNull();
  });

  it('the preload uses the PROMPT_IPC channel names and exposes nothing else', () => {
    const source = fs.readFileSync(new URL('../../../electron/preload/signing-prompt.cts', import.meta.url), 'utf8');
    for (const [name, channel] of Object.entries(PROMPT_IPC)) expect(source).toContain(`${name}: '${channel}'`);
    expect(source.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(source).not.toMatch(/phonghop:/);
  });

  it('the page the prompt loads is the same every time (its CSP hashes its own script)', () => {
    expect(promptPageUrl()).toBe(promptPageUrl());
  });
});
