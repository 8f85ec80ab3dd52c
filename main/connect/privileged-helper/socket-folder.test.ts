import { chmod, lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { helperSocketPath } from './helper-paths.ts';
import type { HelperCaller } from './helper-request.ts';
import { prepareSocketFolder } from './socket-folder.ts';

// Without root the test can only give folders to its own user, so the caller is that user. The
// ownership checks compare with the helper's user, which is the same user here.
describe('prepareSocketFolder', () => {
  let directory: string;
  let runFolder: string;
  let caller: HelperCaller;
  let server: Server | undefined;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-socket-folder-'));
    runFolder = join(directory, 'run');
    caller = { uid: process.getuid!(), name: userInfo().username, home: join(directory, 'home') };
  });

  afterEach(async () => {
    await new Promise((resolve) =>
      server === undefined ? resolve(undefined) : server.close(resolve),
    );
    server = undefined;
    await rm(directory, { recursive: true, force: true });
  });

  it('returns the socket path the launcher expects', async () => {
    expect(await prepareSocketFolder(caller, runFolder)).toBe(
      helperSocketPath(caller.uid, runFolder),
    );
  });

  it('creates the run folder with mode 755', async () => {
    await prepareSocketFolder(caller, runFolder);

    expect((await lstat(runFolder)).mode & 0o777).toBe(0o755);
  });

  it("creates the caller's folder with mode 700", async () => {
    await prepareSocketFolder(caller, runFolder);

    const stats = await lstat(join(runFolder, String(caller.uid)));
    expect(stats.isDirectory()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o700);
    expect(stats.uid).toBe(caller.uid);
  });

  it("resets the mode of an existing caller's folder", async () => {
    await mkdir(join(runFolder, String(caller.uid)), { recursive: true, mode: 0o777 });
    await chmod(join(runFolder, String(caller.uid)), 0o777);
    await chmod(runFolder, 0o755);

    await prepareSocketFolder(caller, runFolder);

    expect((await lstat(join(runFolder, String(caller.uid)))).mode & 0o777).toBe(0o700);
  });

  it('rejects a run folder that others can write', async () => {
    await mkdir(runFolder, { mode: 0o777 });
    await chmod(runFolder, 0o777);

    await expect(prepareSocketFolder(caller, runFolder)).rejects.toThrow(/mode 777/);
  });

  it('rejects a run folder that is a symbolic link', async () => {
    await mkdir(join(directory, 'elsewhere'), { mode: 0o755 });
    await symlink(join(directory, 'elsewhere'), runFolder);

    await expect(prepareSocketFolder(caller, runFolder)).rejects.toThrow(/is not a folder/);
  });

  it("rejects a symbolic link as the caller's folder", async () => {
    await mkdir(runFolder, { mode: 0o755 });
    await mkdir(join(directory, 'target'), { mode: 0o700 });
    await symlink(join(directory, 'target'), join(runFolder, String(caller.uid)));

    await expect(prepareSocketFolder(caller, runFolder)).rejects.toThrow(/is not a folder/);
  });

  it('removes a symbolic link at the socket path and keeps its target', async () => {
    const target = join(directory, 'shadow');
    await writeFile(target, 'root:secret');
    const socketPath = helperSocketPath(caller.uid, runFolder);
    await mkdir(join(runFolder, String(caller.uid)), { recursive: true, mode: 0o700 });
    await chmod(runFolder, 0o755);
    await symlink(target, socketPath);

    await prepareSocketFolder(caller, runFolder);

    await expect(lstat(socketPath)).rejects.toThrow(/ENOENT/);
    expect(await readFile(target, 'utf8')).toBe('root:secret');
  });

  it('removes a stale socket', async () => {
    const socketPath = await prepareSocketFolder(caller, runFolder);
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(socketPath, resolve));
    // close() keeps the file, as a killed openvpn does.
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;

    await prepareSocketFolder(caller, runFolder);

    await expect(lstat(socketPath)).rejects.toThrow(/ENOENT/);
  });

  it('rejects a socket that an openvpn listens on', async () => {
    const socketPath = await prepareSocketFolder(caller, runFolder);
    server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server!.listen(socketPath, resolve));

    await expect(prepareSocketFolder(caller, runFolder)).rejects.toThrow(/openvpn runs already/);
  });

  it('rejects a folder at the socket path', async () => {
    const socketPath = await prepareSocketFolder(caller, runFolder);
    await mkdir(socketPath);

    await expect(prepareSocketFolder(caller, runFolder)).rejects.toThrow(/cannot be removed/);
  });
});
