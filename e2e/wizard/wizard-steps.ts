import type { Page } from '@playwright/test';

import { expect, expectStep } from './wizard-fixtures.ts';

/** Goes from the welcome step to the signing step with the given identity. */
export async function walkToSigning(
  page: Page,
  identity = { name: 'Dana Example', email: 'dana@example.org' },
): Promise<void> {
  await expectStep(page, /^Connect to /);
  await page.getByRole('button', { name: 'Get started' }).click();

  await expectStep(page, 'Your details');
  await page.getByLabel('Full name').fill(identity.name);
  await page.getByLabel('Work email address').fill(identity.email);
  await page.getByRole('button', { name: 'Continue' }).click();

  await expectStep(page, 'Key and request');
  await expect(page.getByLabel('Request fingerprint')).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();

  await expectStep(page, 'Signing');
}

/** Goes from the certificate step to the last step, which opens the status window. */
export async function walkFromCertificateToDone(page: Page): Promise<void> {
  await expectStep(page, 'Your certificate');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectStep(page, 'Profile installed');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectStep(page, 'Connect');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expectStep(page, 'VPN status');
}
