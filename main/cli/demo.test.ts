import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { rm } from 'node:fs/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkProfileWithOpenssl } from '../testing/openssl-profile-check.ts';
import { describeWith } from '../testing/requirements.ts';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'vpn-onboard.js');

describeWith(['openssl'], 'demo command', () => {
  let status: number | null;
  let report: { profilePath: string; reachability: { result: { ok: boolean } }[] };

  beforeAll(() => {
    const result = spawnSync(process.execPath, [CLI, 'demo', '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    status = result.status;
    report = JSON.parse(result.stdout) as typeof report;
  });

  it('exits 0', () => {
    expect(status).toBe(0);
  });

  it('reaches every demo target', () => {
    expect(report.reachability.length).toBeGreaterThan(0);
    expect(report.reachability.every((row) => row.result.ok)).toBe(true);
  });

  it('installs a profile that openssl verify accepts', () => {
    expect(checkProfileWithOpenssl(report.profilePath).verifyOutput).toMatch(/: OK$/);
  });

  it('installs a profile whose key matches its certificate', () => {
    const check = checkProfileWithOpenssl(report.profilePath);

    expect(check.keyPublicKey).toBe(check.certificatePublicKey);
  });
});

describe('demo command output', () => {
  let status: number | null;
  let stdout: string;
  let stderr: string;

  beforeAll(() => {
    const result = spawnSync(process.execPath, [CLI, 'demo'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    status = result.status;
    stdout = result.stdout;
    stderr = result.stderr;
  });

  afterAll(async () => {
    const workDirectory = /Everything the demo made is in (\S+);/.exec(stdout)?.[1];
    if (workDirectory !== undefined) await rm(workDirectory, { recursive: true, force: true });
  });

  it('exits 0', () => {
    expect(status).toBe(0);
  });

  it('prints reachability in the words of probe', () => {
    const rows = stdout.split('\n').filter((line) => line.includes(' 127.0.0.1:'));

    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row).toMatch(/^ {2}.+ \(demo\) +127\.0\.0\.1:\d+ \([a-zA-Z ]+\) +up +[\d.]+ ms$/);
    }
  });

  it('counts one CA certificate in the singular', () => {
    expect(stderr).toContain('1 CA certificate, pin ');
    expect(stdout).toContain('1 CA certificate, pin ');
  });

  it('counts the remotes of the profile check', () => {
    expect(stderr).toContain('<cert> chains to <ca>, matches <key>; 2 remotes, tls-crypt inline');
  });

  it('ends with what to try next', () => {
    const lastLine = stdout.trimEnd().split('\n').at(-1);

    expect(lastLine).toBe(
      'The demo\'s CA and stand-in hosts stopped with it, so "vpn-onboard status" on its data ' +
        'directory finds their ports refusing connections; run "npm run web" to see the status ' +
        'window with live demo networks.',
    );
  });
});
