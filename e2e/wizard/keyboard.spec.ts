import type { Page } from '@playwright/test';

import { requireChromium } from './requirements.ts';
import { expect, expectStep, test } from './wizard-fixtures.ts';

requireChromium();

const MAX_TABS = 25;

/** Presses Tab until the focused element has the accessible name `name`, as a keyboard user would. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let presses = 0; presses < MAX_TABS; presses++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (element === null) return '';
      const label = element.id === '' ? null : document.querySelector(`label[for="${element.id}"]`);
      return (
        label?.textContent ??
        element.getAttribute('aria-label') ??
        element.textContent ??
        ''
      ).trim();
    });
    if (focused === name) return;
  }
  throw new Error(`"${name}" cannot be reached with Tab within ${MAX_TABS} presses.`);
}

test.describe('keyboard only', () => {
  test('completes the wizard by EST', async ({ page, startWizard }) => {
    const wizard = await startWizard({ method: 'est' });
    await wizard.open(page);

    await expectStep(page, 'Connect to VPN Onboard Demo');
    await tabTo(page, 'Get started');
    await page.keyboard.press('Enter');

    await expectStep(page, 'Your details');
    await tabTo(page, 'Work email address');
    await page.keyboard.type('dana@example.org');
    await page.keyboard.press('Enter');

    await expectStep(page, 'Key and request');
    await expect(page.getByLabel('Request fingerprint')).toBeVisible();
    await tabTo(page, 'Continue');
    await page.keyboard.press('Enter');

    await expectStep(page, 'Signing');
    await tabTo(page, 'Password');
    await page.keyboard.type(wizard.demo.password);
    await page.keyboard.press('Enter');

    for (const [heading, button] of [
      ['Your certificate', 'Continue'],
      ['Profile installed', 'Continue'],
      ['Connect', 'Continue'],
    ] as const) {
      await expectStep(page, heading);
      await tabTo(page, button);
      await page.keyboard.press('Enter');
    }
    await expectStep(page, 'VPN status');
  });
});

test.describe('startup mark', () => {
  test('marks when the first step is visible', async ({ page, startWizard }) => {
    const wizard = await startWizard({ method: 'est' });
    await wizard.open(page);
    await expectStep(page, 'Connect to VPN Onboard Demo');

    // The time itself is a benchmark (npm run bench:ui); this only checks the mark it reads.
    const marks = await page.evaluate(
      () => performance.getEntriesByName('wizard-first-step-visible').length,
    );
    expect(marks).toBe(1);
  });
});
