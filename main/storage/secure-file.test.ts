import { execFile } from 'node:child_process';
import {
  chown,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  ensurePrivateDirectory,
  PrivateDirectoryError,
  writeFileAtomic,
  writePrivateFileAtomic,
} from './secure-file.ts';

const POSIX = process.platform !== 'win32';
const ROOT = process.getuid?.() === 0;

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'vpn-onboard-secure-'));
}

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

async function temporaryFiles(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((name) => name.endsWith('.tmp'));
}

/**
 * Watches a directory from another thread in a tight loop and records the mode of every
 * temporary file it catches, so the check does not depend on the writer's own event loop.
 */
function watchTemporaryFiles(directory: string) {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const seen = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `
    const { readdirSync, lstatSync } = require('node:fs');
    const { join } = require('node:path');
    const { parentPort, workerData } = require('node:worker_threads');
    const stop = new Int32Array(workerData.stop);
    const seen = new Int32Array(workerData.seen);
    const modes = [];
    while (Atomics.load(stop, 0) === 0) {
      for (const name of readdirSync(workerData.directory)) {
        if (!name.endsWith('.tmp')) continue;
        try {
          modes.push(lstatSync(join(workerData.directory, name)).mode & 0o777);
          Atomics.add(seen, 0, 1);
        } catch {
          // Renamed between readdir and lstat.
        }
      }
    }
    parentPort.postMessage(modes);
    `,
    { eval: true, workerData: { directory, stop: stop.buffer, seen: seen.buffer } },
  );
  const modes = new Promise<number[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });

  return {
    count: () => Atomics.load(seen, 0),
    finish: async () => {
      Atomics.store(stop, 0, 1);
      const result = await modes;
      await worker.terminate();
      return result;
    },
  };
}

const execFileAsync = promisify(execFile);

/**
 * Runs writeFileAtomic in a child process whose file size limit (ulimit -f) is far below the
 * data, so the kernel fails the write with EFBIG: a real disk write error, not a mock. The child
 * loads secure-file.ts with Node's built-in type stripping, so that file must avoid TypeScript-only
 * syntax such as parameter properties.
 */
async function writeOverFileSizeLimit(path: string): Promise<string> {
  const module = pathToFileURL(join(import.meta.dirname, 'secure-file.ts')).href;
  const script = `
    import { writeFileAtomic } from ${JSON.stringify(module)};
    try {
      await writeFileAtomic(process.env.TARGET, Buffer.alloc(4 * 1024 * 1024, 7));
      console.log('written');
    } catch (error) {
      console.log(error.code);
    }
  `;
  const { stdout } = await execFileAsync(
    '/bin/sh',
    [
      '-c',
      'ulimit -f 64 && exec "$@"',
      'sh',
      process.execPath,
      '--input-type=module',
      '-e',
      script,
    ],
    { env: { ...process.env, TARGET: path, NODE_NO_WARNINGS: '1' } },
  );
  return stdout.trim();
}

describe('writeFileAtomic', () => {
  let previousUmask: number;

  beforeEach(() => {
    previousUmask = process.umask();
  });

  afterEach(() => {
    process.umask(previousUmask);
  });

  it('writes mode 0600 by default', async () => {
    const directory = await scratch();
    await writeFileAtomic(join(directory, 'key.pem'), 'secret');

    expect(await modeOf(join(directory, 'key.pem'))).toBe(0o600);
  });

  it.runIf(POSIX)('keeps the temporary file 0600 from the first byte', async () => {
    process.umask(0o000);
    const directory = await scratch();
    const watcher = watchTemporaryFiles(directory);

    // Many short writes give the other thread many chances to catch a file between its
    // creation and any later chmod.
    let roundsSeen = 0;
    for (let round = 0; round < 100; round++) {
      const before = watcher.count();
      await writeFileAtomic(join(directory, 'key.pem'), Buffer.alloc(64 * 1024, round));
      if (watcher.count() > before) roundsSeen++;
    }
    const modes = await watcher.finish();

    expect(roundsSeen).toBeGreaterThanOrEqual(10);
    expect(modes.filter((mode) => mode !== 0o600)).toEqual([]);
  });

  it.runIf(POSIX).each([0o022, 0o000])('keeps 0600 under umask %o', async (umask) => {
    process.umask(umask);
    const directory = await scratch();
    await writeFileAtomic(join(directory, 'key.pem'), 'secret');

    expect(await modeOf(join(directory, 'key.pem'))).toBe(0o600);
  });

  it.runIf(POSIX)('honours a mode option', async () => {
    process.umask(0o022);
    const directory = await scratch();
    await writeFileAtomic(join(directory, 'ca.pem'), 'public', { mode: 0o644 });

    expect(await modeOf(join(directory, 'ca.pem'))).toBe(0o644);
  });

  it('replaces the previous content', async () => {
    const directory = await scratch();
    await writeFileAtomic(join(directory, 'profile.ovpn'), 'old');
    await writeFileAtomic(join(directory, 'profile.ovpn'), new TextEncoder().encode('new'));

    expect(await readFile(join(directory, 'profile.ovpn'), 'utf8')).toBe('new');
  });

  it('leaves no temporary file after success', async () => {
    const directory = await scratch();
    await writeFileAtomic(join(directory, 'profile.ovpn'), 'content');

    expect(await readdir(directory)).toEqual(['profile.ovpn']);
  });

  it('keeps the old content when the rename fails', async () => {
    const directory = await scratch();
    const target = join(directory, 'profile.ovpn');
    await mkdir(target);
    await writeFile(join(target, 'inside'), 'old');

    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();

    expect(await readFile(join(target, 'inside'), 'utf8')).toBe('old');
    expect(await temporaryFiles(directory)).toEqual([]);
  });

  it.runIf(POSIX)('keeps the old content when the disk write fails', async () => {
    const directory = await scratch();
    const target = join(directory, 'profile.ovpn');
    await writeFileAtomic(target, 'old');

    expect(await writeOverFileSizeLimit(target)).toBe('EFBIG');
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await temporaryFiles(directory)).toEqual([]);
  });

  it('fails when the directory is missing', async () => {
    const target = join(await scratch(), 'missing', 'key.pem');

    await expect(writeFileAtomic(target, 'secret')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('ensurePrivateDirectory', () => {
  let previousUmask: number;

  beforeEach(() => {
    previousUmask = process.umask();
  });

  afterEach(() => {
    process.umask(previousUmask);
  });

  it.runIf(POSIX)('creates missing directories 0700', async () => {
    process.umask(0o000);
    const base = await scratch();
    await ensurePrivateDirectory(join(base, 'a', 'b'));

    expect(await modeOf(join(base, 'a'))).toBe(0o700);
    expect(await modeOf(join(base, 'a', 'b'))).toBe(0o700);
  });

  it.runIf(POSIX).each([0o755, 0o750, 0o701, 0o777])('tightens mode %o to 0700', async (mode) => {
    process.umask(0o000);
    const directory = join(await scratch(), 'data');
    await mkdir(directory, { mode });

    await ensurePrivateDirectory(directory);

    expect(await modeOf(directory)).toBe(0o700);
  });

  it('rejects a file in place of the directory', async () => {
    const path = join(await scratch(), 'data');
    await writeFile(path, '');

    await expect(ensurePrivateDirectory(path)).rejects.toThrow(/exists but is not a directory/);
  });

  it('rejects a file in place of a parent', async () => {
    const parent = join(await scratch(), 'data');
    await writeFile(parent, '');

    await expect(ensurePrivateDirectory(join(parent, 'profiles'))).rejects.toThrow(
      PrivateDirectoryError,
    );
  });

  it.runIf(POSIX)('rejects a symbolic link', async () => {
    const base = await scratch();
    await mkdir(join(base, 'real'), { mode: 0o700 });
    await symlink(join(base, 'real'), join(base, 'link'));

    await expect(ensurePrivateDirectory(join(base, 'link'))).rejects.toThrow(/symbolic link/);
  });

  it.runIf(POSIX && ROOT)('rejects a directory owned by another user', async () => {
    const directory = join(await scratch(), 'data');
    await mkdir(directory, { mode: 0o755 });
    await chown(directory, 4242, 4242);

    await expect(ensurePrivateDirectory(directory)).rejects.toThrow(/owned by user id 4242/);
    expect(await modeOf(directory)).toBe(0o755);
  });
});

describe('writePrivateFileAtomic', () => {
  let previousUmask: number;

  beforeEach(() => {
    previousUmask = process.umask(0o022);
  });

  afterEach(() => {
    process.umask(previousUmask);
  });

  it.runIf(POSIX)('creates the parent directory 0700', async () => {
    const directory = join(await scratch(), 'a', 'b');
    await writePrivateFileAtomic(join(directory, 'key.pem'), 'secret');

    expect(await modeOf(directory)).toBe(0o700);
  });

  it.runIf(POSIX)('tightens an existing parent directory', async () => {
    const directory = join(await scratch(), 'data');
    await mkdir(directory, { mode: 0o755 });
    await writePrivateFileAtomic(join(directory, 'key.pem'), 'secret');

    expect(await modeOf(directory)).toBe(0o700);
  });

  it.runIf(POSIX)('writes the file 0600', async () => {
    const path = join(await scratch(), 'data', 'key.pem');
    await writePrivateFileAtomic(path, 'secret');

    expect(await modeOf(path)).toBe(0o600);
  });
});
