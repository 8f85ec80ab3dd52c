// Measures the renderer bundle (gzip) and the time from navigation to the first wizard step in
// Chromium through the browser host, then rewrites the "Wizard in Chromium" section of
// docs/benchmarks.md. Targets: bundle under 300 KB gzip, first step under 1 s.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { chromium } from '@playwright/test';

import { startDemoEnvironment } from '../main/browser-host/demo-environment.ts';
import { RENDERER_DIR, serveWizard } from '../main/browser-host/serve-wizard.ts';
import { silentLogger } from '../main/log/logger.ts';
import { replaceSection } from './benchmark-page.ts';

const RUNS = 9;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function files(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const build = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('vite build failed');

  const assets = files(RENDERER_DIR).filter((path) => /\.(js|css|html)$/.test(path));
  const gzipBytes = assets.reduce(
    (total, path) => total + gzipSync(readFileSync(path), { level: 9 }).length,
    0,
  );
  const rawBytes = assets.reduce((total, path) => total + statSync(path).size, 0);

  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}; install it or set CHROMIUM_PATH.`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });

  const times: number[] = [];
  const demo = await startDemoEnvironment({ method: 'est' });
  try {
    for (let run = 0; run < RUNS; run++) {
      const directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-bench-ui-'));
      const served = await serveWizard({
        organisation: demo.organisation,
        dataDir: join(directory, 'data'),
        log: silentLogger,
      });
      const page = await browser.newPage({ viewport: { width: 900, height: 640 } });
      try {
        await page.goto(served.host.url);
        await page.waitForFunction(
          () => performance.getEntriesByName('wizard-first-step-visible').length > 0,
        );
        times.push(
          await page.evaluate(
            () => performance.getEntriesByName('wizard-first-step-visible')[0]!.startTime,
          ),
        );
      } finally {
        await page.close();
        await served.close();
        await rm(directory, { recursive: true, force: true });
      }
    }
  } finally {
    await demo.close();
    await browser.close();
  }

  const version = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const section = `## Wizard in Chromium

Command: \`npm run bench:ui\` (scripts/bench-ui.ts), ${new Date().toISOString()}, ${cpus()[0]?.model ?? 'unknown CPU'},
${cpus().length} cores, ${version}, headless. Time to first step is measured from navigation start to
the \`wizard-first-step-visible\` performance mark, through the browser host on loopback, with a
fresh page and data directory per run.

| What | Result | Target |
| --- | --- | --- |
| Renderer bundle (JS, CSS, HTML), gzip level 9 | ${(gzipBytes / 1024).toFixed(1)} KB (${(rawBytes / 1024).toFixed(1)} KB raw) | under 300 KB |
| Navigation to first wizard step, median of ${RUNS} | ${median(times).toFixed(0)} ms (range ${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} ms) | under 1 s |
`;
  replaceSection('## Wizard in Chromium', section);
  process.stdout.write(section);
}

await main();
