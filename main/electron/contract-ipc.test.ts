import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/electron-fake.ts'));

import type { BrowserWindow } from 'electron';

import type { Handlers } from '../contract/handler-registry.ts';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../contract/ipc-channels.ts';
import { createLogger } from '../log/logger.ts';
import { serveContract } from './contract-ipc.ts';
import { BrowserWindow as FakeWindow, FakeWebContents, ipcMain } from './testing/electron-fake.ts';

const goTo = vi.fn(() => Promise.resolve({}));
const handlers = { 'wizard.goTo': goTo } as unknown as Handlers;

function setUp() {
  const lines: string[] = [];
  const window = new FakeWindow();
  const channel = serveContract({
    window: window as unknown as BrowserWindow,
    handlers,
    log: createLogger({ sinks: [{ write: (line) => lines.push(line) }] }),
  });
  const invoke = ipcMain.handlers.get(CALL_CHANNEL)!;
  return { window, channel, invoke, lines };
}

describe('contract over IPC', () => {
  it('answers the app window', async () => {
    const { window, invoke } = setUp();
    const event = { sender: window.webContents, senderFrame: window.webContents.mainFrame };

    const outcome = await invoke(event, {
      id: 1,
      call: 'wizard.goTo',
      payload: { step: 'identity' },
    });

    expect(outcome).toEqual({ ok: true, value: {} });
  });

  it('ignores another window', async () => {
    const { invoke, lines } = setUp();
    const other = new FakeWebContents();
    goTo.mockClear();

    const outcome = await invoke(
      { sender: other, senderFrame: other.mainFrame },
      { id: 1, call: 'wizard.goTo', payload: { step: 'identity' } },
    );

    expect(outcome).toBeUndefined();
    expect(goTo).not.toHaveBeenCalled();
    expect(lines.join('\n')).toContain('Ignored a message');
  });

  it('ignores a frame that left the app', async () => {
    const { window, invoke } = setUp();
    const frame = { url: 'https://example.org/' };
    goTo.mockClear();

    const outcome = await invoke(
      { sender: window.webContents, senderFrame: frame },
      { id: 1, call: 'wizard.goTo', payload: { step: 'identity' } },
    );

    expect(outcome).toBeUndefined();
    expect(goTo).not.toHaveBeenCalled();
  });

  it('holds events until the window is ready', () => {
    const { window, channel } = setUp();
    channel.events.send('wizard.state', { revision: 1 } as never);
    expect(window.webContents.sent).toEqual([]);

    channel.events.markReady();

    expect(window.webContents.sent.map((sent) => sent.channel)).toEqual([EVENT_CHANNEL]);
  });
});
