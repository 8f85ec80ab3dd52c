import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/electron-fake.ts'));

import type { Session, WebContents } from 'electron';

import { FakeSession, FakeWebContents, shell } from './testing/electron-fake.ts';
import { denyPermissions, lockDownContents, secureWindowOptions } from './window-security.ts';

function navigationPrevented(contents: FakeWebContents, event: string, url: string): boolean {
  const preventDefault = vi.fn();
  contents.emit(event, { preventDefault }, url);
  return preventDefault.mock.calls.length > 0;
}

describe('window security', () => {
  it('isolates and sandboxes the renderer', () => {
    const preferences = secureWindowOptions('/app/preload.cjs').webPreferences;

    expect(preferences?.contextIsolation).toBe(true);
    expect(preferences?.sandbox).toBe(true);
    expect(preferences?.nodeIntegration).toBe(false);
    expect(preferences?.webviewTag).toBe(false);
    expect(preferences?.preload).toBe('/app/preload.cjs');
  });

  it('denies window.open', () => {
    const contents = new FakeWebContents();
    lockDownContents(contents as unknown as WebContents);

    expect(contents.windowOpenHandler?.({ url: 'https://example.org/' })).toEqual({
      action: 'deny',
    });
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('opens mailto links in the mail client only', () => {
    const contents = new FakeWebContents();
    lockDownContents(contents as unknown as WebContents);

    expect(contents.windowOpenHandler?.({ url: 'mailto:it@example.org' })).toEqual({
      action: 'deny',
    });
    expect(shell.openExternal).toHaveBeenCalledWith('mailto:it@example.org');
  });

  it('blocks navigation away from the app', () => {
    const contents = new FakeWebContents();
    lockDownContents(contents as unknown as WebContents);

    expect(navigationPrevented(contents, 'will-navigate', 'https://example.org/')).toBe(true);
    expect(navigationPrevented(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigationPrevented(contents, 'will-navigate', 'app://renderer/index.html')).toBe(false);
    expect(navigationPrevented(contents, 'will-redirect', 'app://renderer/index.html')).toBe(true);
  });

  it('denies permission requests', () => {
    const session = new FakeSession();
    denyPermissions(session as unknown as Session);

    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) {
      const callback = vi.fn();
      session.requestHandler?.({}, permission, callback, {
        requestingUrl: 'app://renderer/index.html',
      });
      expect(callback, permission).toHaveBeenCalledWith(false);
    }
    expect(session.checkHandler?.({}, 'media', 'app://renderer')).toBe(false);
  });

  it('allows clipboard writes for the app only', () => {
    const session = new FakeSession();
    denyPermissions(session as unknown as Session);

    const fromApp = vi.fn();
    const fromElsewhere = vi.fn();
    session.requestHandler?.({}, 'clipboard-sanitized-write', fromApp, {
      requestingUrl: 'app://renderer/index.html',
    });
    session.requestHandler?.({}, 'clipboard-sanitized-write', fromElsewhere, {
      requestingUrl: 'https://example.org/',
    });

    expect(fromApp).toHaveBeenCalledWith(true);
    expect(fromElsewhere).toHaveBeenCalledWith(false);
  });
});
