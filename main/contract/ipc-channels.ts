// Kept apart from contract.ts so the preload bundle carries two strings instead of zod.

/** The Electron IPC channel that carries calls (`ipcRenderer.invoke`). */
export const CALL_CHANNEL = 'vpn-onboard:call';

/** The Electron IPC channel that carries pushed events (`webContents.send`). */
export const EVENT_CHANNEL = 'vpn-onboard:event';
