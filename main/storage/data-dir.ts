import { statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { quoteText } from '../org/printable.ts';

/** The product name Electron uses for `app.getPath('userData')`, taken from package.json. */
export const PRODUCT_NAME = 'VPN Onboard';

/** Origin of a data directory path, as messages name it. */
export type DataDirSource = '--data-dir' | 'VPN_ONBOARD_HOME' | 'data directory';

/** Raised when a data directory path is empty or names something that cannot be a directory. */
export class DataDirError extends Error {
  override name = 'DataDirError';
}

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

/**
 * Picks the data directory: the option, then VPN_ONBOARD_HOME, then the Electron default. An
 * option given as an empty or blank string is rejected rather than read as "no option", so a
 * script whose variable came out empty never writes into the desktop app's folder. An empty
 * VPN_ONBOARD_HOME counts as unset, the way shells treat `VPN_ONBOARD_HOME= command`.
 */
export function resolveDataDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (option !== undefined) return resolve(requirePath(option, '--data-dir', env));
  if (env.VPN_ONBOARD_HOME) {
    return resolve(requirePath(env.VPN_ONBOARD_HOME, 'VPN_ONBOARD_HOME', env));
  }
  return defaultDataDir(env);
}

/** Names where `resolveDataDir` took the path from, for messages about it. */
export function dataDirSource(
  option?: string,
  env: NodeJS.ProcessEnv = process.env,
): DataDirSource {
  if (option !== undefined) return '--data-dir';
  if (env.VPN_ONBOARD_HOME) return 'VPN_ONBOARD_HOME';
  return 'data directory';
}

/**
 * Checks that `path` can serve as the data directory before anything is written there: it is a
 * directory, or it does not exist yet and its nearest existing parent is a directory.
 */
export function checkDataDir(path: string, source: DataDirSource): void {
  const stats = statOrFailure(path, source);
  if (stats === 'missing') {
    checkParent(path, source);
    return;
  }
  if (!stats.isDirectory()) {
    throw invalid(path, source, 'it is a file, not a directory');
  }
}

/** Describes a failure to create or write the data directory, naming the path and its source. */
export function dataDirFailure(path: string, source: DataDirSource, error: unknown): DataDirError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return invalid(path, source, 'it or one of its parents is a file, not a directory');
  }
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new DataDirError(
    `Cannot use ${source} ${quoteText(path)}: ${reason}. Pass a directory you can write to.`,
  );
}

function requirePath(value: string, source: DataDirSource, env: NodeJS.ProcessEnv): string {
  if (value.trim() !== '') return value;
  throw new DataDirError(
    `Invalid ${source} ${quoteText(value)}: expected the path of a directory. Pass a directory ` +
      `such as ~/vpn-onboard, or leave ${source} out to use ${defaultDataDir(env)}.`,
  );
}

function checkParent(path: string, source: DataDirSource): void {
  let parent = dirname(path);
  for (;;) {
    const stats = statOrFailure(parent, source, path);
    if (stats !== 'missing') {
      if (stats.isDirectory()) return;
      throw invalid(path, source, `${parent} is a file, not a directory`);
    }
    if (dirname(parent) === parent) return;
    parent = dirname(parent);
  }
}

function statOrFailure(path: string, source: DataDirSource, dataDir = path): Stats | 'missing' {
  try {
    return statSync(path);
  } catch (error) {
    // ENOTDIR: a parent is a file, which checkParent then names.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw dataDirFailure(dataDir, source, error);
  }
}

function invalid(path: string, source: DataDirSource, reason: string): DataDirError {
  return new DataDirError(
    `Invalid ${source} ${quoteText(path)}: ${reason}. Pass a directory, or a path that does ` +
      'not exist yet so that it is created.',
  );
}
