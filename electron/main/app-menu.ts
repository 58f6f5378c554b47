/**
 * The application menu, replacing Electron's default one. The default menu binds Ctrl+R / F5
 * (reload), Ctrl+Shift+R (force reload), Ctrl+W (close) and Ctrl+Shift+I (developer tools) to the
 * window: one stray key press would drop a live meeting, and developer tools do not belong in a
 * delivered build. Here:
 * - reload (Ctrl+R, F5) calls `webContents.reload()`, close (Ctrl+W) `window.close()`: both go
 *   through the page's beforeunload, so in a live meeting they ask first (live-meeting.ts);
 * - there is no force reload, and developer tools only in development;
 * - editing (copy, paste…), zoom and full screen keep their usual keys.
 * Pure: returns Menu.buildFromTemplate's input; the actions are passed in.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MeetingLanguage } from './live-meeting.js';

export interface AppMenuActions {
  reload(): void;
  closeWindow(): void;
  quit(): void;
}

const LABELS: Record<MeetingLanguage, { app: string; edit: string; view: string; window: string; reload: string; close: string; quit: string }> = {
  vi: { app: 'Phòng họp', edit: 'Sửa', view: 'Xem', window: 'Cửa sổ', reload: 'Tải lại', close: 'Đóng cửa sổ', quit: 'Thoát' },
  en: { app: 'Phòng họp', edit: 'Edit', view: 'View', window: 'Window', reload: 'Reload', close: 'Close window', quit: 'Quit' },
};

export function appMenuTemplate(input: { platform: NodeJS.Platform; devTools: boolean; language: MeetingLanguage; actions: AppMenuActions }): MenuItemConstructorOptions[] {
  const l = LABELS[input.language];
  const { actions } = input;
  const mac = input.platform === 'darwin';
  return [
    ...(mac ? [{ label: l.app, submenu: [{ role: 'about' as const }, { type: 'separator' as const }, { role: 'hide' as const }, { role: 'unhide' as const }, { type: 'separator' as const }, { label: l.quit, accelerator: 'Cmd+Q', click: () => actions.quit() }] }] : []),
    {
      label: l.edit,
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: l.view,
      submenu: [
        { label: l.reload, accelerator: 'CmdOrCtrl+R', click: () => actions.reload() },
        // The same action on F5, without a second visible entry.
        { label: l.reload, accelerator: 'F5', click: () => actions.reload(), visible: false, acceleratorWorksWhenHidden: true },
        ...(input.devTools ? [{ role: 'toggleDevTools' as const }] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: l.window,
      submenu: [
        { role: 'minimize' },
        { label: l.close, accelerator: 'CmdOrCtrl+W', click: () => actions.closeWindow() },
        ...(mac ? [] : [{ label: l.quit, accelerator: 'Ctrl+Q', click: () => actions.quit() }]),
      ],
    },
  ];
}
