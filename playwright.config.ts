import { existsSync } from 'node:fs';

import { defineConfig } from '@playwright/test';

/** Chromium from the distribution; Playwright's own download is not needed (or possible) here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const chromiumArgs = [
  // Chromium refuses to start its sandbox as root, which is how containers usually run.
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  // Nothing in these tests may reach beyond loopback, so switch off Chromium's own traffic.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'e2e/wizard',
  outputDir: 'test-results/playwright',
  globalSetup: './e2e/wizard/global-setup.ts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 3,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    viewport: { width: 900, height: 640 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      testIgnore: /electron\.spec\.ts$/,
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: existsSync(CHROMIUM_PATH) ? CHROMIUM_PATH : undefined,
          args: chromiumArgs,
        },
      },
    },
    {
      name: 'electron',
      testMatch: /electron\.spec\.ts$/,
    },
  ],
});
