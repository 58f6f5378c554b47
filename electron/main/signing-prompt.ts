/**
 * The app's own dialogs for signing (document-signing.ts's SigningPrompts):
 *   - the PIN of a token and the password of a PKCS#12 file are typed in a small window of the
 *     app: a local page (a data: URL, not the server's origin) with its own sandboxed preload
 *     (preload/signing-prompt.cts), context isolation, no Node, and a CSP that allows only its own
 *     inline script and style (by hash). It shows the document title, meeting, SHA-256 and signer;
 *   - a PKCS#12 signature is confirmed in a native message box, the file chosen in a native open
 *     dialog.
 * The prompt's IPC channels answer only the window they were opened for (by webContents id): the
 * server's page cannot read a prompt nor submit one, and the prompt page cannot call DESKTOP_IPC
 * (its URL is neither the server's nor the setup page's).
 */
import crypto from 'node:crypto';
import type { SigningConfirmation, SigningPrompts } from './document-signing.js';

export const PROMPT_IPC = {
  request: 'phonghop-prompt:request',
  submit: 'phonghop-prompt:submit',
  cancel: 'phonghop-prompt:cancel',
} as const;

/** What the prompt page shows. Text only: the page puts it in with textContent. */
export interface PromptView {
  title: string;
  rows: Array<[string, string]>;
  secretLabel: string;
  submitLabel: string;
  error: string | null;
}

export interface PromptWindowLike {
  readonly webContents: { readonly id: number };
  loadURL(url: string): Promise<void>;
  close(): void;
  isDestroyed(): boolean;
  once(event: 'closed', listener: () => void): unknown;
}

export interface PromptIpcMainLike {
  handle(channel: string, listener: (event: { sender: { id: number } }, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface SigningPromptDeps {
  /** `new BrowserWindow(options)`. */
  createWindow(options: Record<string, unknown>): PromptWindowLike;
  ipcMain: PromptIpcMainLike;
  /** The window the dialogs belong to (modal over it). */
  parent(): unknown;
  /** Compiled preload/signing-prompt.cjs. */
  preloadPath: string;
  showMessageBox(parent: unknown, options: { type: 'question'; buttons: string[]; defaultId: number; cancelId: number; title: string; message: string; detail: string; noLink: boolean }): Promise<{ response: number }>;
  showOpenDialog(parent: unknown, options: { title: string; properties: string[]; filters: Array<{ name: string; extensions: string[] }> }): Promise<{ canceled: boolean; filePaths: string[] }>;
  readFile(path: string, maxBytes: number): Promise<Uint8Array>;
}

export const MAX_SECRET_LENGTH = 256;
const MAX_P12_FILE_BYTES = 256 * 1024;

const STYLE = `body{font:14px system-ui,sans-serif;margin:0;padding:20px;background:#fff;color:#1a1b1e}
h1{font-size:17px;margin:0 0 12px}dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 12px;margin:0 0 16px}
dt{color:#555}dd{margin:0;word-break:break-all}dd.hash{font:12px ui-monospace,monospace}
label{display:block;font-weight:600;margin-bottom:6px}input{width:100%;box-sizing:border-box;font-size:16px;padding:8px;border:1px solid #aaa;border-radius:4px}
#error{color:#c92a2a;min-height:1.4em;margin:8px 0}.buttons{display:flex;gap:8px;justify-content:flex-end}
button{font-size:14px;padding:8px 16px;border-radius:4px;border:1px solid #888;background:#f1f3f5}button[type=submit]{background:#1c7ed6;border-color:#1c7ed6;color:#fff}`;

const SCRIPT = `(async () => {
  const api = window.signingPrompt;
  const v = await api.request();
  const $ = (id) => document.getElementById(id);
  document.title = v.title;
  $('title').textContent = v.title;
  for (const [k, val] of v.rows) {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = val;
    if (/^[0-9a-f]{64}$/.test(val)) dd.className = 'hash';
    $('rows').append(dt, dd);
  }
  $('label').textContent = v.secretLabel;
  $('ok').textContent = v.submitLabel;
  $('error').textContent = v.error || '';
  $('form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = $('secret').value;
    if (!value) return;
    $('secret').value = '';
    $('ok').disabled = true;
    api.submit(value);
  });
  $('cancel').addEventListener('click', () => api.cancel());
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') api.cancel(); });
  $('secret').focus();
})();`;

const hash = (text: string) => `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The prompt page: no remote content, only its own script and style. */
export function promptPageUrl(): string {
  const csp = `default-src 'none'; script-src ${hash(SCRIPT)}; style-src ${hash(STYLE)}; form-action 'none'; base-uri 'none'`;
  const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><title>Phòng họp</title><style>${STYLE}</style></head>
<body><h1 id="title"></h1><dl id="rows"></dl><form id="form"><label id="label" for="secret"></label><input id="secret" type="password" autocomplete="off" maxlength="${MAX_SECRET_LENGTH}" required>
<div id="error" role="alert"></div><div class="buttons"><button type="button" id="cancel">Hủy</button><button type="submit" id="ok"></button></div></form><script>${SCRIPT}</script></body></html>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}

export function confirmationRows(info: SigningConfirmation): Array<[string, string]> {
  return [
    ['Văn bản', `${info.documentTitle} (phiên bản ${info.version})`],
    ['Cuộc họp', info.meetingTitle],
    ['SHA-256 của văn bản', info.documentSha256],
    ['SHA-256 phần được ký', info.signedDigest],
    ['Người ký', info.signerName],
    ['Tổ chức cấp chứng thư', info.issuerName],
    ['Khóa ký', info.keyLocation],
    ['Máy chủ', info.server],
  ];
}

interface Pending {
  view: PromptView;
  resolve: (secret: string | null) => void;
  window: PromptWindowLike;
}

export interface SigningPromptController extends SigningPrompts {
  /** Removes the IPC handlers and closes any open prompt (as refused). */
  dispose(): void;
}

export function createSigningPrompts(deps: SigningPromptDeps): SigningPromptController {
  const pending = new Map<number, Pending>();

  const settle = (id: number, secret: string | null) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    p.resolve(secret);
    if (!p.window.isDestroyed()) p.window.close();
  };
  const own = (event: { sender: { id: number } }): Pending => {
    const p = pending.get(event.sender?.id);
    if (!p) throw new Error('request refused: not an open signing prompt');
    return p;
  };

  deps.ipcMain.handle(PROMPT_IPC.request, (event, ...args) => {
    if (args.length !== 0) throw new Error('expected no argument');
    return own(event).view;
  });
  deps.ipcMain.handle(PROMPT_IPC.submit, (event, ...args) => {
    own(event);
    const secret = args[0];
    if (args.length !== 1 || typeof secret !== 'string' || secret.length === 0 || secret.length > MAX_SECRET_LENGTH) throw new Error('invalid secret');
    settle(event.sender.id, secret);
  });
  deps.ipcMain.handle(PROMPT_IPC.cancel, (event) => {
    own(event);
    settle(event.sender.id, null);
  });

  const ask = (view: PromptView): Promise<string | null> =>
    new Promise((resolve) => {
      const parent = deps.parent();
      const window = deps.createWindow({
        width: 560,
        height: 600,
        title: view.title,
        ...(parent ? { parent, modal: true } : {}),
        resizable: false,
        minimizable: false,
        maximizable: false,
        fullscreenable: false,
        autoHideMenuBar: true,
        show: true,
        webPreferences: {
          preload: deps.preloadPath,
          sandbox: true,
          contextIsolation: true,
          nodeIntegration: false,
          nodeIntegrationInSubFrames: false,
          webSecurity: true,
          webviewTag: false,
          spellcheck: false,
          devTools: false,
          navigateOnDragDrop: false,
        },
      });
      const id = window.webContents.id;
      pending.set(id, { view, resolve, window });
      // Closing the window is refusing.
      window.once('closed', () => settle(id, null));
      window.loadURL(promptPageUrl()).catch(() => settle(id, null));
    });

  return {
    askPin: (info, error) =>
      ask({ title: 'Xác nhận ký số bằng token', rows: confirmationRows(info), secretLabel: 'Mã PIN của token', submitLabel: 'Ký số', error: error ?? null }),

    askP12Password: (fileName, error) =>
      ask({ title: 'Mở tệp chứng thư số', rows: [['Tệp', fileName]], secretLabel: 'Mật khẩu của tệp', submitLabel: 'Mở tệp', error: error ?? null }),

    async confirm(info) {
      const detail = confirmationRows(info)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n');
      const { response } = await deps.showMessageBox(deps.parent(), {
        type: 'question',
        buttons: ['Ký số', 'Hủy'],
        defaultId: 1,
        cancelId: 1,
        noLink: true,
        title: 'Xác nhận ký số',
        message: `Ký số "${info.documentTitle}" với chứng thư số của ${info.signerName}?`,
        detail,
      });
      return response === 0;
    },

    async pickP12File() {
      const r = await deps.showOpenDialog(deps.parent(), {
        title: 'Chọn tệp chứng thư số (.p12, .pfx)',
        properties: ['openFile'],
        filters: [{ name: 'PKCS#12', extensions: ['p12', 'pfx'] }],
      });
      const file = r.canceled ? undefined : r.filePaths[0];
      if (!file) return null;
      return { name: file.split(/[\\/]/).pop() ?? 'id.p12', bytes: await deps.readFile(file, MAX_P12_FILE_BYTES) };
    },

    dispose() {
      for (const channel of Object.values(PROMPT_IPC)) deps.ipcMain.removeHandler(channel);
      for (const id of [...pending.keys()]) settle(id, null);
    },
  };
}
