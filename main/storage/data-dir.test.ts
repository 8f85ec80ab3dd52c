import { describe, expect, it } from 'vitest';

import { defaultDataDir, resolveDataDir } from './data-dir.ts';

describe('data directory', () => {
  it('follows XDG_CONFIG_HOME on Linux', () => {
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/jane')).toBe(
      '/xdg/VPN Onboard',
    );
  });

  it('falls back to ~/.config on Linux', () => {
    expect(defaultDataDir({}, 'linux', '/home/jane')).toBe('/home/jane/.config/VPN Onboard');
  });

  it('uses Application Support on macOS', () => {
    expect(defaultDataDir({}, 'darwin', '/Users/jane')).toBe(
      '/Users/jane/Library/Application Support/VPN Onboard',
    );
  });

  it('prefers the option over VPN_ONBOARD_HOME', () => {
    expect(resolveDataDir('/option', { VPN_ONBOARD_HOME: '/env' })).toBe('/option');
  });

  it('uses VPN_ONBOARD_HOME without an option', () => {
    expect(resolveDataDir(undefined, { VPN_ONBOARD_HOME: '/env' })).toBe('/env');
  });
});
