import { mkdir } from 'node:fs/promises';

import type { Page } from '@playwright/test';

import { closeLoopbackNetworks, openStatusWindow } from './loopback-networks.ts';
import { requireChromium } from './requirements.ts';
import { checkStep, expect, expectStep, test } from './wizard-fixtures.ts';

requireChromium();

test.afterEach(async () => {
  await closeLoopbackNetworks();
});

function steps(page: Page) {
  return page.getByRole('navigation', { name: 'Setup steps' }).getByRole('listitem');
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir('test-results/setup-review', { recursive: true });
  await page.screenshot({ path: `test-results/setup-review/${name}.png` });
}

test.describe('setup from the status window', () => {
  test('keeps every step marked', async ({ page, startWizard }, testInfo) => {
    await openStatusWindow(page, startWizard);

    await page.getByRole('button', { name: 'Setup' }).click();

    await expectStep(page, 'Your certificate');
    await expect(steps(page)).toHaveText([
      '✓Welcome (done)',
      '✓Your details (done)',
      '✓Key and request (done)',
      '✓Signing (done)',
      '✓Certificate (done)',
      '✓Install (done)',
      '✓Connect (done)',
      /^Status \(Connected to 127\.0\.0\.1:1194 as 192\.168\.102\.7\)$/,
    ]);
    await expect(steps(page).nth(4)).toHaveAttribute('aria-current', 'step');
    await checkStep(page, testInfo, 'setup-review');
    await screenshot(page, 'review-900x640');
    await page.setViewportSize({ width: 700, height: 500 });
    await expect(page.getByRole('button', { name: 'Back to status' })).toBeInViewport();
    await screenshot(page, 'review-700x500');
  });

  test('returns to the status in one click', async ({ page, startWizard }) => {
    await openStatusWindow(page, startWizard);
    await page.getByRole('button', { name: 'Setup' }).click();
    await expectStep(page, 'Your certificate');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expectStep(page, 'Profile installed');

    await page.getByRole('button', { name: 'Back to status' }).click();

    await expectStep(page, 'VPN status');
  });

  test('returns after the last step too', async ({ page, startWizard }) => {
    await openStatusWindow(page, startWizard);
    await page.getByRole('button', { name: 'Setup' }).click();

    for (const heading of ['Your certificate', 'Profile installed', 'Connect']) {
      await expectStep(page, heading);
      await page.getByRole('button', { name: 'Continue' }).click();
    }

    await expectStep(page, 'VPN status');
  });

  test('leaves other windows on the status', async ({ page, context, startWizard }) => {
    const { wizard } = await openStatusWindow(page, startWizard);
    const other = await context.newPage();
    await wizard.open(other);
    await expectStep(other, 'VPN status');

    await page.getByRole('button', { name: 'Setup' }).click();
    await expectStep(page, 'Your certificate');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expectStep(page, 'Profile installed');

    await expect(other.getByRole('heading', { level: 1, name: 'VPN status' })).toBeVisible();
    expect(wizard.served.service.snapshot().step).toBe('done');
  });

  test('opens on the status after a reload', async ({ page, startWizard }) => {
    await openStatusWindow(page, startWizard);
    await page.getByRole('button', { name: 'Setup' }).click();
    await expectStep(page, 'Your certificate');

    await page.reload();

    await expectStep(page, 'VPN status');
  });
});

test.describe('wizard after install', () => {
  test('offers the status before the last step', async ({ page, startWizard }) => {
    const wizard = await startWizard({ method: 'est', enrolled: true });
    await wizard.served.service.goTo('certificate');
    await wizard.open(page);
    await expectStep(page, 'Your certificate');
    await expect(steps(page).nth(5)).toHaveText('✓Install (done)');

    await page.getByRole('button', { name: 'Back to status' }).click();

    await expectStep(page, 'VPN status');
    expect(wizard.served.service.snapshot().step).toBe('done');
  });

  test('hides the way back before install', async ({ page, startWizard }) => {
    const wizard = await startWizard({ method: 'est' });
    await wizard.open(page);
    await expectStep(page, 'Connect to VPN Onboard Demo');

    await expect(page.getByRole('button', { name: 'Back to status' })).toHaveCount(0);
    await expect(steps(page).last()).toHaveText('8Status');
  });
});
