import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { temporaryDirectory } from '../testing/fixtures.ts';
import { installProfile, profilePath, readInstalledProfile } from './profile-store.ts';

const POSIX = process.platform !== 'win32';

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe('profile store', () => {
  let previousUmask: number;
  let dataDir: string;

  beforeEach(async () => {
    previousUmask = process.umask(0o022);
    dataDir = join(await temporaryDirectory('vpn-onboard-profiles-'), 'data');
  });

  afterEach(() => {
    process.umask(previousUmask);
  });

  it('puts the profile under profiles', () => {
    expect(profilePath('/data', 'example-corp')).toBe(
      join('/data', 'profiles', 'example-corp.ovpn'),
    );
  });

  it.each(['../etc', 'a/b', '', 'Example', '-x'])('rejects the id %j', (id) => {
    expect(() => profilePath('/data', id)).toThrow(/Invalid organisation id/);
  });

  it('returns the installed path', async () => {
    expect(await installProfile(dataDir, 'demo', 'client\n')).toBe(profilePath(dataDir, 'demo'));
  });

  it.runIf(POSIX)('installs the profile 0600', async () => {
    const path = await installProfile(dataDir, 'demo', 'client\n');

    expect(await modeOf(path)).toBe(0o600);
  });

  it.runIf(POSIX)('makes the directories 0700', async () => {
    await installProfile(dataDir, 'demo', 'client\n');

    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(join(dataDir, 'profiles'))).toBe(0o700);
  });

  it('replaces an installed profile', async () => {
    await installProfile(dataDir, 'demo', 'old\n');
    await installProfile(dataDir, 'demo', 'new\n');

    expect(await readFile(profilePath(dataDir, 'demo'), 'utf8')).toBe('new\n');
    expect(await readdir(join(dataDir, 'profiles'))).toEqual(['demo.ovpn']);
  });

  it('reads the installed profile', async () => {
    await installProfile(dataDir, 'demo', 'client\n');

    expect(await readInstalledProfile(dataDir, 'demo')).toBe('client\n');
  });

  it('reads nothing before an install', async () => {
    expect(await readInstalledProfile(dataDir, 'demo')).toBeUndefined();
  });
});
