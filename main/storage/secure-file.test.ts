import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watch } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { ensurePrivateDirectory, writeFileAtomic, writePrivateFileAtomic } from './secure-file.ts';

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'vpn-onboard-secure-'));
}

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe('secure file', () => {
  it('writes 0600 by default', async () => {
    const directory = await scratch();
    await writeFileAtomic(join(directory, 'key.pem'), 'secret');

    expect(await mode(join(directory, 'key.pem'))).toBe(0o600);
  });

  it('creates the temporary file 0600 from the first byte', async () => {
    const directory = await scratch();
    const seen: number[] = [];
    const watcher = watch(directory, (_event, name) => {
      if (name === null || !name.endsWith('.tmp')) return;
      stat(join(directory, name)).then(
        (stats) => seen.push(stats.mode & 0o777),
        () => undefined,
      );
    });

    for (let round = 0; round < 20; round++) {
      await writeFileAtomic(join(directory, 'key.pem'), Buffer.alloc(256 * 1024, round));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    watcher.close();

    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((value) => value === 0o600)).toBe(true);
  });

  it('keeps 0600 under a permissive umask', async () => {
    const directory = await scratch();
    const previous = process.umask(0o000);
    try {
      await writeFileAtomic(join(directory, 'key.pem'), 'secret');
    } finally {
      process.umask(previous);
    }

    expect(await mode(join(directory, 'key.pem'))).toBe(0o600);
  });

  it('replaces the content atomically', async () => {
    const directory = await scratch();
    await writeFileAtomic(join(directory, 'profile.ovpn'), 'old');
    await writeFileAtomic(join(directory, 'profile.ovpn'), 'new');

    expect(await readFile(join(directory, 'profile.ovpn'), 'utf8')).toBe('new');
  });

  it('leaves the old file and no temporary file when the rename fails', async () => {
    const directory = await scratch();
    const target = join(directory, 'profile.ovpn');
    await mkdir(target);
    await writeFile(join(target, 'inside'), 'old');

    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();

    expect(await readFile(join(target, 'inside'), 'utf8')).toBe('old');
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('tightens a directory to 0700', async () => {
    const directory = join(await scratch(), 'data');
    await mkdir(directory, { mode: 0o755 });

    await ensurePrivateDirectory(directory);

    expect(await mode(directory)).toBe(0o700);
  });

  it('creates missing private directories 0700', async () => {
    const directory = join(await scratch(), 'a', 'b');
    await writePrivateFileAtomic(join(directory, 'key.pem'), 'secret');

    expect(await mode(directory)).toBe(0o700);
  });

  it('rejects a file in place of a directory', async () => {
    const path = join(await scratch(), 'data');
    await writeFile(path, '');

    await expect(ensurePrivateDirectory(path)).rejects.toThrow();
  });
});
