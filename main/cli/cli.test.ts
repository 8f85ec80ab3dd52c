import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { EnrollmentStore } from '../enroll/enrollment-store.ts';
import { readCertificates } from '../pki/certificate-reader.ts';
import { publicKeySpkiDer, readPrivateKeyPem } from '../pki/keys.ts';
import { parseProfile } from '../profile/profile-parser.ts';
import {
  startEstFixture,
  temporaryDirectory,
  TEST_IDENTITY,
  TEST_PASSWORD,
  type EstFixture,
} from '../testing/fixtures.ts';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'vpn-onboard.js');
const COMMANDS = [
  'demo',
  'enroll',
  'csr',
  'import-cert',
  'profile',
  'demo-ca',
  'connect',
  'disconnect',
  'reconnect',
  'status',
];

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI without blocking this process, which hosts the EST server the CLI talks to.
 */
function cliAsync(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, VPN_ONBOARD_HOME: '', VPN_ONBOARD_EST_PASSWORD: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function cli(args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, VPN_ONBOARD_HOME: '', VPN_ONBOARD_EST_PASSWORD: '' },
    timeout: 120_000,
  });
}

describe('cli usage', () => {
  it.each(COMMANDS)('shows help for %s', (command) => {
    const result = cli([command, '--help']);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`vpn-onboard ${command}`);
  });

  it('exits 2 on an unknown option', () => {
    expect(cli(['enroll', '--no-such-option']).status).toBe(2);
  });

  it('exits 2 on an unknown command', () => {
    expect(cli(['launch']).status).toBe(2);
  });

  it('exits 2 when --name comes without --email', async () => {
    const result = cli(['csr', '--data-dir', await temporaryDirectory(), '--name', 'Jane Doe']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Missing --email');
  });

  it('exits 2 without an organisation', async () => {
    const result = cli(['profile', '--data-dir', await temporaryDirectory()]);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Missing --org FILE');
  });

  it('rejects an empty --data-dir instead of using the app folder', async () => {
    const home = await temporaryDirectory();
    const result = spawnSync(process.execPath, [CLI, 'status', '--no-probe', '--data-dir', ''], {
      encoding: 'utf8',
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config') },
    });

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^error: Invalid --data-dir "": expected the path of a directory/,
    );
    expect(existsSync(join(home, '.config'))).toBe(false);
  });

  it('names a --data-dir that is a file and what to do', async () => {
    const file = join(await temporaryDirectory(), 'passwd');
    await writeFile(file, 'root:x:0:0::/root:/bin/sh\n');

    const result = cli(['status', '--no-probe', '--data-dir', file]);

    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `error: Invalid --data-dir "${file}": it is a file, not a directory. Pass a directory, or a path that does not exist yet so that it is created.\n`,
    );
  });

  it('names a VPN_ONBOARD_HOME under a file', async () => {
    const file = join(await temporaryDirectory(), 'file');
    await writeFile(file, '');

    const result = spawnSync(process.execPath, [CLI, 'status', '--no-probe'], {
      encoding: 'utf8',
      env: { ...process.env, VPN_ONBOARD_HOME: join(file, 'data') },
    });

    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      `Invalid VPN_ONBOARD_HOME "${join(file, 'data')}": ${file} is a file, not a directory.`,
    );
  });

  it('reads the data directory from VPN_ONBOARD_HOME', async () => {
    const dataDir = await temporaryDirectory();

    const result = spawnSync(process.execPath, [CLI, 'status', '--no-probe'], {
      encoding: 'utf8',
      env: { ...process.env, VPN_ONBOARD_HOME: dataDir },
    });

    expect(result.status).toBe(0);
    expect(existsSync(join(dataDir, 'logs'))).toBe(true);
  });
});

describe('cli with an organisation', () => {
  let fixture: EstFixture;
  let directory: string;
  let orgFile: string;
  let passwordFile: string;

  beforeEach(async () => {
    fixture = await startEstFixture();
    directory = await temporaryDirectory();
    orgFile = join(directory, 'organisation.yaml');
    passwordFile = join(directory, 'password');
    await writeFile(orgFile, stringify(fixture.organisation));
    await writeFile(passwordFile, TEST_PASSWORD + '\n');
  });

  afterEach(async () => {
    await fixture.close();
  });

  const dataDir = () => join(directory, 'data');
  const enrollArgs = () => [
    'enroll',
    '--org',
    orgFile,
    '--data-dir',
    dataDir(),
    '--password-file',
    passwordFile,
  ];
  const identityArgs = ['--name', TEST_IDENTITY.name, '--email', TEST_IDENTITY.email];

  it('enrolls and prints JSON', async () => {
    const result = await cliAsync([...enrollArgs(), ...identityArgs, '--json']);

    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'installed' });
  });

  it('prints the profile path after enrolling', async () => {
    await cliAsync([...enrollArgs(), ...identityArgs]);

    const result = await cliAsync(['profile', '--data-dir', dataDir()]);

    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(join(dataDir(), 'profiles', 'demo.ovpn'));
  });

  it('exits 1 naming the field of a broken organisation file', async () => {
    const broken = {
      ...fixture.organisation,
      vpn: {
        ...fixture.organisation.vpn,
        endpoints: [{ host: 'vpn.example.org', port: 'twelve' }],
      },
    };
    await writeFile(orgFile, stringify(broken));

    const result = await cliAsync([...enrollArgs(), ...identityArgs]);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('vpn.endpoints[0].port');
  });

  it('exits 1 with the reason on a wrong password', async () => {
    await writeFile(passwordFile, 'wrong\n');

    const result = await cliAsync([...enrollArgs(), ...identityArgs]);

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/user name and password/i);
  });

  it('reports an installed enrollment without asking for a password', async () => {
    await cliAsync([...enrollArgs(), ...identityArgs]);

    const result = await cliAsync(['enroll', '--org', orgFile, '--data-dir', dataDir()]);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Already enrolled');
  });

  it('prints a JSON error on failure with --json', async () => {
    await writeFile(passwordFile, 'wrong\n');

    const result = await cliAsync([...enrollArgs(), ...identityArgs, '--json']);

    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'error' });
  });

  it('logs a failure to the log file', async () => {
    await writeFile(passwordFile, 'wrong\n');

    await cliAsync([...enrollArgs(), ...identityArgs]);

    expect(await readFile(join(dataDir(), 'logs', 'vpn-onboard.log'), 'utf8')).toMatch(
      /ERROR cli: Command failed/,
    );
  });

  it('exits 2 on an empty password file', async () => {
    await writeFile(passwordFile, '\n');

    const result = await cliAsync([...enrollArgs(), ...identityArgs]);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('The EST password is empty');
  });

  it('refuses to overwrite a file with csr --out', async () => {
    const out = join(directory, 'existing.csr');
    await writeFile(out, 'keep me');

    const result = await cliAsync([
      'csr',
      '--org',
      orgFile,
      '--data-dir',
      dataDir(),
      ...identityArgs,
      '--out',
      out,
    ]);

    expect(result.status).toBe(2);
    expect(await readFile(out, 'utf8')).toBe('keep me');
  });

  it('rejects a certificate input that is not a regular file', async () => {
    await cliAsync(['csr', '--org', orgFile, '--data-dir', dataDir(), ...identityArgs]);

    const result = await cliAsync(['import-cert', '/dev/zero', '--data-dir', dataDir()]);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('not a regular file');
  });

  it('finishes with the same key after a crash between CSR and submission', async () => {
    fixture.server.setBehaviour({ delayMs: 60_000 });
    const child = spawn(process.execPath, [CLI, ...enrollArgs(), ...identityArgs], {
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    fixture.server.once('enroll-request', () => child.kill('SIGKILL'));
    await exited;

    const store = new EnrollmentStore(dataDir(), 'demo');
    const keyAfterCrash = await store.readKey();
    expect((await store.readState())?.phase).toBe('submitted');

    fixture.server.setBehaviour({ delayMs: 0 });
    const result = await cliAsync(enrollArgs());

    expect(result.status).toBe(0);
    expect(await store.readKey()).toBe(keyAfterCrash);
    const profile = parseProfile(await readFile(join(dataDir(), 'profiles', 'demo.ovpn'), 'utf8'));
    const certificateKey = readCertificates(profile.blocks.cert!)[0]!.publicKey.export({
      type: 'spki',
      format: 'der',
    });
    expect(certificateKey).toEqual(publicKeySpkiDer(readPrivateKeyPem(keyAfterCrash!).publicKey));
  });
});
