import { describe, expect, it } from 'vitest';

import { parseNameHasOwner, trayVisible } from './tray-availability.ts';

describe('tray availability', () => {
  it('counts on a tray on macOS and Windows', () => {
    expect(trayVisible('darwin', undefined, undefined)).toBe(true);
    expect(trayVisible('win32', undefined, false)).toBe(true);
  });

  it('follows the StatusNotifier watcher on Linux', () => {
    expect(trayVisible('linux', 'GNOME', true)).toBe(true);
    expect(trayVisible('linux', 'KDE', false)).toBe(false);
  });

  it('assumes no tray on GNOME when the bus cannot be asked', () => {
    expect(trayVisible('linux', 'ubuntu:GNOME', undefined)).toBe(false);
  });

  it('assumes a tray on other Linux desktops when the bus cannot be asked', () => {
    expect(trayVisible('linux', 'XFCE', undefined)).toBe(true);
    expect(trayVisible('linux', undefined, undefined)).toBe(true);
  });

  it('reads the NameHasOwner reply', () => {
    expect(parseNameHasOwner('(true,)\n')).toBe(true);
    expect(parseNameHasOwner('(false,)\n')).toBe(false);
    expect(parseNameHasOwner('Error: no bus')).toBeUndefined();
  });
});
