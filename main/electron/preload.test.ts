import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/electron-fake.ts'));

import type { ContractTransport } from '../contract/contract-client.ts';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../contract/ipc-channels.ts';
import { contextBridge, ipcRenderer } from './testing/electron-fake.ts';

await import('./preload.ts');
const exposed = contextBridge.exposed.get('vpnOnboard') as ContractTransport;

describe('preload', () => {
  it('exposes only invoke and subscribe', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['vpnOnboard']);
    expect(Object.keys(exposed).sort()).toEqual(['invoke', 'subscribe']);
  });

  it('sends calls on the call channel', async () => {
    const message = { id: 1, call: 'wizard.ready', payload: {} };
    await exposed.invoke(message);

    expect(ipcRenderer.invoke).toHaveBeenCalledWith(CALL_CHANNEL, message);
  });

  it('forwards events until unsubscribed', () => {
    const listener = vi.fn();
    const unsubscribe = exposed.subscribe(listener);

    ipcRenderer.emit(EVENT_CHANNEL, {}, { kind: 'event', event: 'wizard.state', payload: {} });
    unsubscribe();
    ipcRenderer.emit(EVENT_CHANNEL, {}, { kind: 'event', event: 'wizard.state', payload: {} });

    expect(listener).toHaveBeenCalledTimes(1);
  });
});
