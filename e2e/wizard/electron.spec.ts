import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { _electron as electron, expect, test } from '@playwright/test';

import { startDemoEnvironment } from '../../main/browser-host/demo-environment.ts';
import { requireElectron } from './requirements.ts';
import { walkFromCertificateToDone, walkToSigning } from './wizard-steps.ts';

/**
 * Returns the Electron binary that `npm ci` downloaded, read the way the electron package reads
 * it (node_modules/electron/path.txt), without importing the package, which would start a download.
 */
function electronBinary(): string | undefined {
  const pathFile = join('node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return undefined;

  const binary = join('node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();

requireElectron(binary);

test.describe('onboarding in Electron', () => {
  test('completes by EST against the demo CA', async () => {
    const build = spawnSync('npx', ['tsx', 'scripts/build-electron.ts'], { encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);

    const directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-electron-'));
    const demo = await startDemoEnvironment({ method: 'est' });
    const organisationFile = join(directory, 'organisation.json');
    await writeFile(organisationFile, JSON.stringify(demo.organisation), { mode: 0o600 });

    const app = await electron.launch({
      executablePath: binary,
      args: ['out/electron/main.js', '--org', organisationFile],
      env: { ...process.env, VPN_ONBOARD_HOME: join(directory, 'data') },
    });

    try {
      const page = await app.firstWindow();
      await walkToSigning(page);
      await page.getByLabel('Password').fill(demo.password);
      await page.getByRole('button', { name: 'Send request' }).click();
      await walkFromCertificateToDone(page);
    } finally {
      await app.close();
      await demo.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
