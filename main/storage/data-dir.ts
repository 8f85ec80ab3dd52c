import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The product name Electron uses for `app.getPath('userData')`, taken from package.json. */
export const PRODUCT_NAME = 'VPN Onboard';

/**
 * Returns the per-user folder Electron would use as `userData` for this app, so the CLI and the
 * desktop app share one enrollment: `$XDG_CONFIG_HOME` or `~/.config` on Linux,
 * `~/Library/Application Support` on macOS and `%APPDATA%` on Windows.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  }
  if (platform === 'darwin') {
    return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  }
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), PRODUCT_NAME);
}

/** Picks the data directory: the option, then VPN_ONBOARD_HOME, then the Electron default. */
export function resolveDataDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (option) return resolve(option);
  if (env.VPN_ONBOARD_HOME) return resolve(env.VPN_ONBOARD_HOME);
  return defaultDataDir(env);
}
