import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/electron-fake.ts'));

import type { BrowserWindow } from 'electron';

import { claimSingleInstance } from './single-instance.ts';

function fakeApp(lock: boolean) {
  const listeners = new Map<string, () => void>();
  return {
    listeners,
    requestSingleInstanceLock: vi.fn(() => lock),
    quit: vi.fn(),
    on: vi.fn((event: string, listener: () => void) => {
      listeners.set(event, listener);
    }),
  };
}

describe('single instance', () => {
  it('quits when another instance holds the lock', () => {
    const app = fakeApp(false);

    expect(claimSingleInstance(app as never, () => undefined)).toBe(false);
    expect(app.quit).toHaveBeenCalled();
  });

  it('shows a hidden window on a second launch', () => {
    const app = fakeApp(true);
    const window = {
      isDestroyed: () => false,
      isMinimized: () => true,
      restore: vi.fn(),
      show: vi.fn(),
      focus: vi.fn(),
    };

    expect(claimSingleInstance(app as never, () => window as unknown as BrowserWindow)).toBe(true);
    app.listeners.get('second-instance')?.();

    expect(window.restore).toHaveBeenCalled();
    expect(window.show).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
  });
});
