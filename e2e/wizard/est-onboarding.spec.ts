import { existsSync } from 'node:fs';

import { requireChromium } from './requirements.ts';
import { checkStep, expect, expectStep, test } from './wizard-fixtures.ts';
import { walkToSigning } from './wizard-steps.ts';

requireChromium();

test.describe('onboarding by EST', () => {
  test('completes every step against the demo CA', async ({ page, startWizard }, testInfo) => {
    const wizard = await startWizard({ method: 'est' });
    await wizard.open(page);

    await expectStep(page, 'Connect to VPN Onboard Demo');
    await checkStep(page, testInfo, '1-welcome');
    await page.getByRole('button', { name: 'Get started' }).click();

    await expectStep(page, 'Your details');
    await expect(page.getByLabel('Full name')).toHaveValue('Dana Example');
    await page.getByLabel('Work email address').fill('dana@example.org');
    await checkStep(page, testInfo, '2-identity');
    await page.getByRole('button', { name: 'Continue' }).click();

    await expectStep(page, 'Key and request');
    await expect(page.getByLabel('Request fingerprint')).toBeVisible();
    await checkStep(page, testInfo, '3-request');
    await page.getByRole('button', { name: 'Continue' }).click();

    await expectStep(page, 'Signing');
    await expect(page.getByLabel('User name')).toHaveValue('demo');
    await page.getByLabel('Password').fill(wizard.demo.password);
    await checkStep(page, testInfo, '4-signing-est');
    await page.getByRole('button', { name: 'Send request' }).click();

    await expectStep(page, 'Your certificate');
    await expect(page.getByText('dana@example.org').first()).toBeVisible();
    await expect(page.getByText('No problems found.')).toBeVisible();
    await checkStep(page, testInfo, '5-certificate');
    await page.getByRole('button', { name: 'Continue' }).click();

    await expectStep(page, 'Profile installed');
    const profilePath = await page.getByTestId('profile-path').textContent();
    expect(existsSync(profilePath ?? '')).toBe(true);
    await checkStep(page, testInfo, '6-install');
    await page.getByRole('button', { name: 'Continue' }).click();

    await expectStep(page, 'Connect');
    await expect(page.getByTestId('connect-unavailable')).toContainText(
      'Not available on this host yet',
    );
    await checkStep(page, testInfo, '7-connect');
    await page.getByRole('button', { name: 'Continue' }).click();

    await expectStep(page, 'VPN status');
    await checkStep(page, testInfo, '8-status');

    expect(wizard.logLines.join('\n')).not.toContain(wizard.demo.password);
  });
});

test.describe('dark theme', () => {
  test('follows the OS and stays readable', async ({ page, startWizard }, testInfo) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const wizard = await startWizard({ method: 'est' });
    await wizard.open(page);

    await expectStep(page, 'Connect to VPN Onboard Demo');
    const background = await page.evaluate(
      () => getComputedStyle(document.querySelector('.content')!).backgroundColor,
    );
    expect(background).toBe('rgb(31, 34, 39)');
    await checkStep(page, testInfo, '1-welcome-dark');

    await walkToSigning(page);
    await checkStep(page, testInfo, '4-signing-est-dark');
  });
});
