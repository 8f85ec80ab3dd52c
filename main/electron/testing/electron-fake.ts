// The one stand-in for the electron module in unit tests, because the real module starts a
// binary download when imported. Each test file loads it with:
//   vi.mock('electron', () => import('./testing/electron-fake.ts'));
import { EventEmitter } from 'node:events';

import { vi } from 'vitest';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

/** Fake ipcMain: records handlers so tests can invoke them as a renderer would. */
export const ipcMain = {
  handlers: new Map<string, Handler>(),
  handle: vi.fn((channel: string, handler: Handler) => {
    ipcMain.handlers.set(channel, handler);
  }),
};

export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoke: vi.fn((_channel: string, _message: unknown) => Promise.resolve(undefined)),
});

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld: vi.fn((key: string, api: unknown) => {
    contextBridge.exposed.set(key, api);
  }),
};

export const shell = { openExternal: vi.fn(() => Promise.resolve()) };

export const protocol = {
  registerSchemesAsPrivileged: vi.fn(),
  handle: vi.fn(),
};

/** A fake WebContents: an event emitter with the methods the entry files call. */
export class FakeWebContents extends EventEmitter {
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly mainFrame = { url: 'app://renderer/index.html' };
  readonly sent: { channel: string; message: unknown }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, message: unknown): void {
    this.sent.push({ channel, message });
  }
}

export class BrowserWindow {
  readonly webContents = new FakeWebContents();
  isDestroyed(): boolean {
    return false;
  }
}

/** A fake Session that keeps the permission handlers for the tests to call. */
export class FakeSession {
  requestHandler: ((...args: unknown[]) => void) | undefined;
  checkHandler: ((...args: unknown[]) => boolean) | undefined;

  setPermissionRequestHandler(handler: (...args: unknown[]) => void): void {
    this.requestHandler = handler;
  }

  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void {
    this.checkHandler = handler;
  }
}

export const session = { defaultSession: new FakeSession() };

export const app = {
  requestSingleInstanceLock: vi.fn(() => true),
  quit: vi.fn(),
  on: vi.fn(),
  whenReady: vi.fn(() => new Promise(() => undefined)),
};

export const dialog = { showErrorBox: vi.fn() };

/** A fake Tray that records what the app drew. */
export class Tray extends EventEmitter {
  static created: Tray[] = [];
  image: unknown;
  tooltip = '';
  menu: unknown;
  destroyed = false;

  constructor(image: unknown) {
    super();
    this.image = image;
    Tray.created.push(this);
  }

  setImage(image: unknown): void {
    this.image = image;
  }

  setToolTip(tooltip: string): void {
    this.tooltip = tooltip;
  }

  setContextMenu(menu: unknown): void {
    this.menu = menu;
  }

  destroy(): void {
    this.destroyed = true;
  }
}

export const Menu = {
  buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
  setApplicationMenu: vi.fn(),
};

export const nativeImage = {
  createFromPath: vi.fn((path: string) => ({ path })),
};

/** A fake Notification that records each one shown. */
export class Notification extends EventEmitter {
  static shown: Notification[] = [];
  static supported = true;

  static isSupported(): boolean {
    return Notification.supported;
  }

  constructor(readonly options: { title: string; body: string; silent?: boolean }) {
    super();
  }

  show(): void {
    Notification.shown.push(this);
  }
}
