import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

import type { CallMessage, CallOutcome, EventMessage } from '../contract/contract.ts';
import type { ContractTransport } from '../contract/contract-client.ts';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../contract/ipc-channels.ts';

/**
 * The only thing the renderer gets from the preload: the contract transport, as two functions.
 * No ipcRenderer, no channel names and no Node API cross the bridge.
 */
export const transport: ContractTransport = {
  invoke: (message: CallMessage) =>
    ipcRenderer.invoke(CALL_CHANNEL, message) as Promise<CallOutcome<unknown>>,
  subscribe(listener) {
    const forward = (_event: IpcRendererEvent, message: EventMessage) => listener(message);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('vpnOnboard', transport);
