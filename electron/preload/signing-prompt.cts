/**
 * Preload of the signing prompt window (main/signing-prompt.ts): `window.signingPrompt` and nothing
 * else. The main process answers these channels only for the prompt window it opened.
 * CommonJS, one file, no imports but 'electron' (a sandboxed preload); the channel names must equal
 * PROMPT_IPC in main/signing-prompt.ts (checked by a unit test).
 */
import { contextBridge, ipcRenderer } from 'electron';

const IPC = {
  request: 'phonghop-prompt:request',
  submit: 'phonghop-prompt:submit',
  cancel: 'phonghop-prompt:cancel',
} as const;

contextBridge.exposeInMainWorld(
  'signingPrompt',
  Object.freeze({
    request: () => ipcRenderer.invoke(IPC.request) as Promise<unknown>,
    submit: (secret: string) => ipcRenderer.invoke(IPC.submit, secret) as Promise<void>,
    cancel: () => ipcRenderer.invoke(IPC.cancel) as Promise<void>,
  }),
);
