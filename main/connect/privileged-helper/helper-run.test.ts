import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';

import { buildProfile } from '../../profile/profile-builder.ts';
import { createProfileInput } from '../../profile/profile-test-input.ts';
import { describeWith, toolPath } from '../../testing/requirements.ts';
import { profileFolderOf, type HelperCaller } from './helper-request.ts';
import { helperSocketPath, SYSTEM_OPENVPN_PATHS } from './helper-paths.ts';
import { runHelper, type HelperRun } from './helper-run.ts';

/** Sends one management command and returns the reply line, after the greeting and hold. */
function managementCommand(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let buffered = '';
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const reply = buffered.split('\r\n').find((line) => /^(SUCCESS|ERROR):/.test(line));
      if (reply !== undefined) {
        socket.end();
        resolve(reply);
      }
    });
    socket.write(`${command}\n`);
  });
}

async function waitForSocket(path: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`openvpn did not create ${path} within 10 s.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function helperFolders(): Promise<string[]> {
  return readdir(tmpdir()).then((names) =>
    names.filter((name) => name.startsWith('vpn-onboard-helper-')),
  );
}

// Runs a real openvpn as root, held at start-up by --management-hold, so it sends nothing.
describeWith(['root', 'openvpn'], 'privileged helper with a real openvpn', () => {
  let profileText: string;
  let directory: string;
  let caller: HelperCaller;
  let profilePath: string;
  let runFolder: string;
  let socketPath: string;
  let run: HelperRun | undefined;

  beforeAll(async () => {
    profileText = buildProfile(await createProfileInput());
  });

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-helper-run-'));
    caller = { uid: 0, name: 'root', home: join(directory, 'home') };
    await mkdir(profileFolderOf(caller.home), { recursive: true, mode: 0o700 });
    profilePath = join(profileFolderOf(caller.home), 'example-corp.ovpn');
    await writeFile(profilePath, profileText, { mode: 0o600 });
    runFolder = join(directory, 'run');
    socketPath = helperSocketPath(caller.uid, runFolder);
  });

  afterEach(async () => {
    run?.child.kill('SIGKILL');
    await run?.exitCode;
    run = undefined;
    await rm(directory, { recursive: true, force: true });
  });

  function argv(): string[] {
    const openvpn = toolPath('openvpn');
    expect(SYSTEM_OPENVPN_PATHS).toContain(openvpn);
    return [openvpn, '--config', profilePath];
  }

  it('runs openvpn on a checked copy of the profile', async () => {
    run = await runHelper(argv(), caller, runFolder);
    await waitForSocket(socketPath);

    const reply = await managementCommand(socketPath, 'pid');
    const pid = Number(/pid=(\d+)/.exec(reply)?.[1]);
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

    expect(commandLine).not.toContain(profilePath);
    expect(commandLine).toContain(socketPath);
    expect(commandLine.join(' ')).toContain('--management-client-user root');
  });

  it('removes the copy when openvpn exits', async () => {
    const before = await helperFolders();
    run = await runHelper(argv(), caller, runFolder);
    await waitForSocket(socketPath);

    await managementCommand(socketPath, 'signal SIGTERM');

    expect(await run.exitCode).toBe(0);
    expect(await helperFolders()).toEqual(before);
  });

  it('starts nothing for a rejected profile', async () => {
    await writeFile(profilePath, profileText.replace('verb 3', 'verb 3\nup /bin/sh'), {
      mode: 0o600,
    });

    await expect(runHelper(argv(), caller, runFolder)).rejects.toThrow(/"up" is not allowed/);

    expect(existsSync(socketPath)).toBe(false);
  });
});
