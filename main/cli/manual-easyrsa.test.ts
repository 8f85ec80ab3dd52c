import { execFileSync, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { parse, stringify } from 'yaml';
import { beforeAll, expect, it } from 'vitest';

import { checkProfileWithOpenssl } from '../testing/openssl-profile-check.ts';
import { describeWith, toolPath } from '../testing/requirements.ts';
import { temporaryDirectory } from '../testing/fixtures.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'vpn-onboard.js');
const EXAMPLE = join(ROOT, 'resources', 'examples', 'example-corp.yaml');

describeWith(['easyrsa', 'openssl'], 'manual method signed by easy-rsa', () => {
  let directory: string;
  let importStatus: number | null;
  let importOutput: string;

  function easyrsa(...args: string[]): void {
    execFileSync(toolPath('easyrsa'), ['--batch', `--pki-dir=${join(directory, 'pki')}`, ...args], {
      cwd: directory,
      stdio: 'pipe',
      env: { ...process.env, EASYRSA_REQ_CN: 'Example Corp VPN CA' },
    });
  }

  function cli(...args: string[]) {
    return spawnSync(process.execPath, [CLI, ...args, '--data-dir', join(directory, 'data')], {
      encoding: 'utf8',
      timeout: 120_000,
    });
  }

  beforeAll(async () => {
    directory = await temporaryDirectory('vpn-onboard-easyrsa-');
    easyrsa('init-pki');
    easyrsa('build-ca', 'nopass');

    // The example's own CA key does not exist anywhere, so the easy-rsa CA takes its place;
    // everything else in the realistic example stays as shipped.
    const example = parse(await readFile(EXAMPLE, 'utf8')) as { ca: { certificates: string[] } };
    example.ca.certificates = [await readFile(join(directory, 'pki', 'ca.crt'), 'utf8')];
    const orgFile = join(directory, 'example-corp.yaml');
    await writeFile(orgFile, stringify(example));

    const csrFile = join(directory, 'jane.csr');
    const csr = spawnSync(
      process.execPath,
      [
        CLI,
        'csr',
        '--org',
        orgFile,
        '--data-dir',
        join(directory, 'data'),
        '--name',
        'Jane Doe',
        '--email',
        'jane.doe@example.org',
        '--out',
        csrFile,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (csr.status !== 0) throw new Error(`vpn-onboard csr failed: ${csr.stderr}`);

    easyrsa('import-req', csrFile, 'jane');
    easyrsa('sign-req', 'client', 'jane');

    const imported = spawnSync(
      process.execPath,
      [
        CLI,
        'import-cert',
        join(directory, 'pki', 'issued', 'jane.crt'),
        '--data-dir',
        join(directory, 'data'),
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    importStatus = imported.status;
    importOutput = imported.stdout + imported.stderr;
  });

  it('imports the certificate easy-rsa signed', () => {
    expect(importStatus, importOutput).toBe(0);
  });

  it('installs a profile that openssl verify accepts', () => {
    const check = checkProfileWithOpenssl(join(directory, 'data', 'profiles', 'example-corp.ovpn'));

    expect(check.verifyOutput).toMatch(/: OK$/);
  });

  it('installs a profile whose key matches its certificate', () => {
    const check = checkProfileWithOpenssl(join(directory, 'data', 'profiles', 'example-corp.ovpn'));

    expect(check.keyPublicKey).toBe(check.certificatePublicKey);
  });

  it('prints the profile path', () => {
    const result = cli('profile');

    expect(result.stdout.trim()).toBe(join(directory, 'data', 'profiles', 'example-corp.ovpn'));
  });
});
