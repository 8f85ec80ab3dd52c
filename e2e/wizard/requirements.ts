import { existsSync } from 'node:fs';

import { test } from '@playwright/test';

import { CHROMIUM_PATH } from '../../playwright.config.ts';

/**
 * Skips the calling spec file, with the reason, when `missing` is set, unless VPN_ONBOARD_REQUIRE
 * names `requirement` (or "all" for Chromium): then every test fails, so CI cannot pass by skipping.
 */
function requireOrSkip(requirement: 'chromium' | 'electron', missing: string | undefined): void {
  if (missing === undefined) return;

  const required = (process.env.VPN_ONBOARD_REQUIRE ?? '').split(',').map((item) => item.trim());
  const enforced =
    required.includes(requirement) || (requirement === 'chromium' && required.includes('all'));
  if (!enforced) {
    test.skip(true, missing);
    return;
  }
  test.beforeEach(() => {
    throw new Error(`Required by VPN_ONBOARD_REQUIRE but missing: ${missing}`);
  });
}

/** Makes the calling spec file need Chromium at CHROMIUM_PATH. */
export function requireChromium(): void {
  requireOrSkip(
    'chromium',
    existsSync(CHROMIUM_PATH)
      ? undefined
      : `needs Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}

/** Makes the calling spec file need the Electron binary at `binary`. */
export function requireElectron(binary: string | undefined): void {
  requireOrSkip(
    'electron',
    binary === undefined
      ? 'needs the Electron binary, which npm could not download here (node_modules/electron/path.txt or dist/ is missing); run "npx install-electron" where the network allows'
      : undefined,
  );
}
