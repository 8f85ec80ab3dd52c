import { closeSync, existsSync, openSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createDemoCa } from '../../demo-ca/certificate-authority.ts';
import { installProfile } from '../../profile/profile-store.ts';
import { OpenvpnDriver } from '../openvpn-driver.ts';
import type { OpenvpnLaunchRequest, OpenvpnLauncher } from '../openvpn-launch.ts';
import { issueTestClient, minimalProfile } from '../test-profile.ts';
import { HELPER_INSTALL_PATH, helperSocketPath, SYSTEM_OPENVPN_PATHS } from './helper-paths.ts';
import {
  explainPkexecExit,
  findHelperInstallation,
  NOT_AUTHORISED_MESSAGE,
  PKEXEC_PATH,
  pkexecLauncher,
  PROMPT_CANCELLED_MESSAGE,
} from './pkexec-launcher.ts';

const FAKE_OPENVPN = fileURLToPath(new URL('../fake-openvpn.ts', import.meta.url));

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-pkexec-test-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Writes an executable shell script standing in for pkexec. */
async function fakePkexec(body: string): Promise<string> {
  const path = join(directory, 'pkexec');
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

function request(
  logFd: number,
  commandPrefix: string[] = [],
  socketPath = helperSocketPath(process.getuid!()),
): OpenvpnLaunchRequest {
  return {
    openvpnPath: '/usr/sbin/openvpn',
    args: ['--config', '/p.ovpn', '--management', socketPath, 'unix', '--management-hold'],
    profilePath: '/p.ovpn',
    socketPath,
    extraArguments: [],
    commandPrefix,
    logFd,
    logPath: join(directory, 'openvpn.log'),
  };
}

/**
 * Writes a stand-in pkexec that does what pkexec and the helper do for the driver: it drops the
 * helper path, waits `delaySeconds` as a person at the prompt would, creates the socket folder
 * and runs the management-speaking stand-in openvpn on the helper's socket.
 */
async function fakePkexecWithHelper(runFolder: string, delaySeconds = 0): Promise<string> {
  const folder = join(runFolder, String(process.getuid!()));
  return fakePkexec(
    [
      'shift',
      `sleep ${delaySeconds}`,
      `mkdir -p -m 700 "${folder}"`,
      `exec "${process.execPath}" --import tsx "${FAKE_OPENVPN}" "$@" --management "${folder}/management.sock" unix --management-hold`,
    ].join('\n'),
  );
}

async function profileDriver(
  launcher: OpenvpnLauncher,
  connectTimeoutMs = 10_000,
): Promise<OpenvpnDriver> {
  const ca = await createDemoCa({ commonName: 'pkexec Test CA', keyBits: 2048 });
  const client = await issueTestClient(ca, 'pkexec-user');
  const dataDir = join(directory, 'data');
  const profile = await installProfile(
    dataDir,
    'example-corp',
    minimalProfile(client, ['remote 127.0.0.1 1194 udp']),
  );
  const driver = new OpenvpnDriver({
    dataDir,
    openvpnPath: '/usr/sbin/openvpn',
    launcher,
    connectTimeoutMs,
  });
  await driver.installProfile(profile);
  return driver;
}

describe('pkexecLauncher', () => {
  it('runs the helper with the openvpn path and profile only', async () => {
    const pkexecPath = await fakePkexec(`printf '%s\\n' "$@"`);
    const logPath = join(directory, 'openvpn.log');
    const logFd = openSync(logPath, 'w', 0o600);

    const child = pkexecLauncher({ pkexecPath, helperPath: '/opt/helper' })(request(logFd));
    closeSync(logFd);
    await new Promise((resolve) => child.once('exit', resolve));

    expect((await readFile(logPath, 'utf8')).trim().split('\n')).toEqual([
      '/opt/helper',
      '/usr/sbin/openvpn',
      '--config',
      '/p.ovpn',
    ]);
  });

  it("names the helper's socket path", () => {
    const launch = pkexecLauncher({ runFolder: '/tmp/run' });

    expect(launch.managementSocketPath).toBe(`/tmp/run/${process.getuid!()}/management.sock`);
  });

  it('rejects another socket path', () => {
    const launch = pkexecLauncher();

    expect(() => launch(request(1, [], '/tmp/vpn-onboard-x/management.sock'))).toThrow(
      /opens the management socket at \/run\/vpn-onboard\//,
    );
  });

  it('rejects a command prefix', () => {
    const launch = pkexecLauncher();

    expect(() => launch(request(1, ['ip', 'netns', 'exec', 'lab-client']))).toThrow(
      /cannot run openvpn under ip netns exec lab-client/,
    );
  });

  it('lets the openvpn driver connect through it', async () => {
    const runFolder = join(directory, 'run');
    const pkexecPath = await fakePkexecWithHelper(runFolder);
    const driver = await profileDriver(
      pkexecLauncher({ pkexecPath, helperPath: '/opt/helper', runFolder }),
    );

    try {
      expect(await driver.connect()).toMatchObject({ status: 'connected' });
    } finally {
      await driver.disconnect();
    }
    expect(existsSync(join(runFolder, String(process.getuid!())))).toBe(true);
  });

  it('waits longer than the connect timeout for the prompt', async () => {
    const runFolder = join(directory, 'run');
    const pkexecPath = await fakePkexecWithHelper(runFolder, 1.5);
    const driver = await profileDriver(
      pkexecLauncher({ pkexecPath, helperPath: '/opt/helper', runFolder }),
      1_000,
    );

    try {
      expect(await driver.connect()).toMatchObject({ status: 'connected' });
    } finally {
      await driver.disconnect();
    }
  });

  it('reports a cancelled prompt', async () => {
    const pkexecPath = await fakePkexec('exit 126');
    const launcher = pkexecLauncher({ pkexecPath, runFolder: join(directory, 'run') });
    const driver = await profileDriver(launcher);

    await expect(driver.connect()).rejects.toThrow(PROMPT_CANCELLED_MESSAGE);
    expect(driver.state()).toEqual({
      status: 'error',
      kind: 'auth-failed',
      message: PROMPT_CANCELLED_MESSAGE,
    });
  });

  it('reports a refused authorisation', async () => {
    const pkexecPath = await fakePkexec('exit 127');
    const launcher = pkexecLauncher({ pkexecPath, runFolder: join(directory, 'run') });
    const driver = await profileDriver(launcher);

    await expect(driver.connect()).rejects.toThrow(NOT_AUTHORISED_MESSAGE);
    expect(driver.state()).toMatchObject({ status: 'error', kind: 'auth-failed' });
  });
});

describe('explainPkexecExit', () => {
  it.each([[0], [1], [2], [null]])('leaves exit %s to openvpn', (code) => {
    expect(explainPkexecExit(code)).toBeUndefined();
  });
});

describe('findHelperInstallation', () => {
  it('finds pkexec, the helper and the system openvpn', () => {
    const installed = new Set([PKEXEC_PATH, HELPER_INSTALL_PATH, SYSTEM_OPENVPN_PATHS[1]!]);

    expect(findHelperInstallation((path) => installed.has(path))).toEqual({
      pkexecPath: PKEXEC_PATH,
      helperPath: HELPER_INSTALL_PATH,
      openvpnPath: SYSTEM_OPENVPN_PATHS[1],
    });
  });

  it.each([
    ['pkexec', [HELPER_INSTALL_PATH, SYSTEM_OPENVPN_PATHS[0]!]],
    ['the helper', [PKEXEC_PATH, SYSTEM_OPENVPN_PATHS[0]!]],
    ['openvpn', [PKEXEC_PATH, HELPER_INSTALL_PATH]],
  ])('returns nothing without %s', (_missing, paths) => {
    const installed = new Set(paths);

    expect(findHelperInstallation((path) => installed.has(path))).toBeUndefined();
  });
});
