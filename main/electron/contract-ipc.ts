import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';

import { createHandlerRegistry, type Handlers } from '../contract/handler-registry.ts';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../contract/ipc-channels.ts';
import { createWindowChannel, type WindowChannel } from '../contract/window-channel.ts';
import type { Logger } from '../log/logger.ts';
import { isAppUrl } from './window-security.ts';

/**
 * Serves the contract to `window` over IPC. A call counts only when it comes from that window's
 * main frame showing an app:// page; anything else (another window, a frame, a page that was
 * somehow navigated away) is logged and left unanswered.
 */
export function serveContract(options: {
  window: BrowserWindow;
  handlers: Handlers;
  log: Logger;
}): WindowChannel<IpcMainInvokeEvent> {
  const { window } = options;
  const registry = createHandlerRegistry<IpcMainInvokeEvent>({
    handlers: options.handlers,
    isTrustedSender: (event) =>
      !window.isDestroyed() &&
      event.sender.id === window.webContents.id &&
      event.senderFrame !== null &&
      event.senderFrame === window.webContents.mainFrame &&
      isAppUrl(event.senderFrame.url),
    log: options.log,
  });

  const channel = createWindowChannel({
    registry,
    deliver: (message) => {
      if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, message);
    },
  });

  ipcMain.handle(CALL_CHANNEL, async (event, message: unknown) => {
    const { outcome, afterReply } = await channel.receive(event, message);
    // The reply goes out when this handler returns, so held events follow it a tick later.
    setImmediate(afterReply);
    return outcome;
  });

  return channel;
}
