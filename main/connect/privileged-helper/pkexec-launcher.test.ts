import { closeSync, openSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createDemoCa } from '../../demo-ca/certificate-authority.ts';
import { installProfile } from '../../profile/profile-store.ts';
import { OpenvpnDriver } from '../openvpn-driver.ts';
import type { OpenvpnLaunchRequest } from '../openvpn-launch.ts';
import { issueTestClient, minimalProfile } from '../test-profile.ts';
import { HELPER_INSTALL_PATH, SYSTEM_OPENVPN_PATHS } from './helper-paths.ts';
import { findHelperInstallation, PKEXEC_PATH, pkexecLauncher } from './pkexec-launcher.ts';

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

function request(logFd: number, commandPrefix: string[] = []): OpenvpnLaunchRequest {
  return {
    openvpnPath: '/usr/sbin/openvpn',
    args: [
      '--config',
      '/p.ovpn',
      '--management',
      '/s/management.sock',
      'unix',
      '--management-hold',
    ],
    commandPrefix,
    logFd,
    logPath: join(directory, 'openvpn.log'),
  };
}

describe('pkexecLauncher', () => {
  it('runs the helper with the openvpn path and arguments', async () => {
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
      '--management',
      '/s/management.sock',
      'unix',
      '--management-hold',
    ]);
  });

  it('rejects a command prefix', () => {
    const launch = pkexecLauncher();

    expect(() => launch(request(1, ['ip', 'netns', 'exec', 'lab-client']))).toThrow(
      /cannot run openvpn under ip netns exec lab-client/,
    );
  });

  it('lets the openvpn driver connect through it', async () => {
    // The stand-in pkexec drops the helper path and runs the management-speaking stand-in.
    const pkexecPath = await fakePkexec(
      `shift\nexec "${process.execPath}" --import tsx "${FAKE_OPENVPN}" "$@"`,
    );
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
      launcher: pkexecLauncher({ pkexecPath, helperPath: '/opt/helper' }),
      connectTimeoutMs: 10_000,
    });
    await driver.installProfile(profile);

    try {
      expect(await driver.connect()).toMatchObject({ status: 'connected' });
    } finally {
      await driver.disconnect();
    }
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
