import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { beforeAll, expect, it } from 'vitest';

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
