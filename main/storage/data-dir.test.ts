import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  checkDataDir,
  dataDirFailure,
  dataDirSource,
  defaultDataDir,
  resolveDataDir,
} from './data-dir.ts';

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

  it('rejects an empty option', () => {
    expect(() => resolveDataDir('', { VPN_ONBOARD_HOME: '/env' })).toThrow(
      /^Invalid --data-dir "": expected the path of a directory\. Pass a directory such as ~\/vpn-onboard, or leave --data-dir out to use .+VPN Onboard\.$/,
    );
  });

  it('rejects a blank option', () => {
    expect(() => resolveDataDir('  ', {})).toThrow(/^Invalid --data-dir " {2}": expected the path/);
  });

  it('treats an empty VPN_ONBOARD_HOME as unset', () => {
    const env = { VPN_ONBOARD_HOME: '', XDG_CONFIG_HOME: '/xdg' };

    expect(resolveDataDir(undefined, env)).toBe(defaultDataDir(env));
  });

  it('rejects a blank VPN_ONBOARD_HOME', () => {
    expect(() => resolveDataDir(undefined, { VPN_ONBOARD_HOME: ' ' })).toThrow(
      /^Invalid VPN_ONBOARD_HOME " ": expected the path of a directory/,
    );
  });

  it('names where the path came from', () => {
    expect(dataDirSource('/option', { VPN_ONBOARD_HOME: '/env' })).toBe('--data-dir');
    expect(dataDirSource(undefined, { VPN_ONBOARD_HOME: '/env' })).toBe('VPN_ONBOARD_HOME');
    expect(dataDirSource(undefined, { VPN_ONBOARD_HOME: '' })).toBe('data directory');
  });
});

describe('data directory check', () => {
  let directory: string;
  let file: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'data-dir-'));
    file = join(directory, 'file');
    await writeFile(file, 'not a directory');
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('accepts an existing directory', () => {
    expect(() => checkDataDir(directory, '--data-dir')).not.toThrow();
  });

  it('accepts a path that does not exist yet', () => {
    expect(() => checkDataDir(join(directory, 'new', 'data'), '--data-dir')).not.toThrow();
  });

  it('rejects a file with what to do', () => {
    expect(() => checkDataDir(file, '--data-dir')).toThrow(
      `Invalid --data-dir "${file}": it is a file, not a directory. Pass a directory, or a path that does not exist yet so that it is created.`,
    );
  });

  it('names the file among the parents', () => {
    expect(() => checkDataDir(join(file, 'data'), 'VPN_ONBOARD_HOME')).toThrow(
      `Invalid VPN_ONBOARD_HOME "${join(file, 'data')}": ${file} is a file, not a directory.`,
    );
  });

  it('describes a failure to write with the path', () => {
    const error = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });

    expect(dataDirFailure('/srv/data', 'data directory', error).message).toBe(
      'Cannot use data directory "/srv/data": EACCES. Pass a directory you can write to.',
    );
  });
});
