import { requireChromium } from './requirements.ts';
import { checkStep, expect, expectStep, test } from './wizard-fixtures.ts';
import { walkFromCertificateToDone, walkToSigning } from './wizard-steps.ts';

requireChromium();

test.describe('EST signing errors', () => {
  test('wrong password keeps the form', async ({ page, startWizard }, testInfo) => {
    const wizard = await startWizard({ method: 'est' });
    await wizard.open(page);
    await walkToSigning(page);

    await page.getByLabel('User name').fill('demo');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Send request' }).click();

    const error = page.locator('#est-password-error');
    await expect(error).toContainText(/password/i);
    await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('User name')).toHaveValue('demo');
    await expect(page.getByLabel('Password')).toHaveValue('not-the-password');
    await checkStep(page, testInfo, '4-signing-wrong-password');

    await page.getByLabel('Password').fill(wizard.demo.password);
    await page.getByRole('button', { name: 'Send request' }).click();
    await expectStep(page, 'Your certificate');
    expect(wizard.logLines.join('\n')).not.toContain('not-the-password');
  });

  test('CA down, then back', async ({ page, startWizard }, testInfo) => {
    const wizard = await startWizard({ method: 'est' });
    await wizard.open(page);
    await walkToSigning(page);
    await wizard.demo.stopEstServer();

    await page.getByLabel('Password').fill(wizard.demo.password);
    await page.getByRole('button', { name: 'Send request' }).click();
    await expect(page.locator('.step-error')).toBeVisible();
    await expect(page.locator('.step-error')).toContainText(/127\.0\.0\.1/);
    await checkStep(page, testInfo, '4-signing-ca-down');

    await wizard.demo.startEstServer();
    await page.getByRole('button', { name: 'Send request' }).click();
    await expectStep(page, 'Your certificate');
  });

  test('pending request survives a reload', async ({ page, startWizard }, testInfo) => {
    // The CA returns "pending" until the test approves the request, so the reload cannot race
    // the signing.
    const wizard = await startWizard({
      method: 'est',
      behaviour: { pendingPolls: 1000, retryAfterSeconds: 3 },
    });
    await wizard.open(page);
    await walkToSigning(page);

    await page.getByLabel('Password').fill(wizard.demo.password);
    await page.getByRole('button', { name: 'Send request' }).click();
    await expect(page.getByTestId('pending')).toContainText('Waiting for approval');
    await expect(page.getByTestId('countdown')).toHaveText(/^(now|in 0:0[0-3])$/);
    await expect(page.getByTestId('announcer')).toContainText('has not signed your request yet');
    await checkStep(page, testInfo, '4-signing-pending');

    await page.reload();
    await expectStep(page, 'Signing');
    await expect(page.getByTestId('pending')).toContainText('Waiting for approval');

    wizard.demo.setBehaviour({ pendingPolls: 0 });
    await expectStep(page, 'Your certificate');
    await walkFromCertificateToDone(page);
  });

  test('app restart while pending resumes', async ({ page, startWizard }) => {
    const wizard = await startWizard({
      method: 'est',
      behaviour: { pendingPolls: 1, retryAfterSeconds: 600 },
    });
    await wizard.open(page);
    await walkToSigning(page);
    await page.getByLabel('Password').fill(wizard.demo.password);
    await page.getByRole('button', { name: 'Send request' }).click();
    await expect(page.getByTestId('pending')).toContainText('Waiting for approval');

    await wizard.restartApp();
    await wizard.open(page);

    await expectStep(page, 'Signing');
    await expect(page.getByTestId('pending')).toContainText('waiting for approval at the CA');
    await expect(page.getByLabel('User name')).toHaveValue('demo');
    await page.getByLabel('Password').fill(wizard.demo.password);
    await page.getByRole('button', { name: 'Send request' }).click();
    await expectStep(page, 'Your certificate');
  });

  test('reload lands on the step it left', async ({ page, startWizard }) => {
    const wizard = await startWizard({ method: 'est' });
    await wizard.open(page);
    await page.getByRole('button', { name: 'Get started' }).click();
    await page.getByLabel('Work email address').fill('not an address');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.locator('#identity-email-error')).toContainText('Invalid email address');

    await page.reload();
    await expectStep(page, 'Your details');
    await expect(page.getByLabel('Work email address')).toHaveValue('not an address');
  });
});
