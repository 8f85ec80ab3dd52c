import { requireChromium } from './requirements.ts';
import { expect, expectStep, test } from './wizard-fixtures.ts';

requireChromium();

test.describe('identity step', () => {
  test('shows every field error at once', async ({ page, startWizard }) => {
    const wizard = await startWizard({ method: 'est' });
    await wizard.open(page);
    await page.getByRole('button', { name: 'Get started' }).click();
    await expectStep(page, 'Your details');
    await page.getByLabel('Full name').fill('');
    await page.getByLabel('Work email address').fill('dana');

    await page.getByRole('button', { name: 'Continue' }).click();

    await expect(page.locator('#identity-name-error')).toHaveText(/^Missing name/);
    await expect(page.locator('#identity-email-error')).toHaveText(/^Invalid email address "dana"/);
    await expect(page.getByLabel('Full name')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Work email address')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Full name')).toBeFocused();
  });

  test('focuses the email when only it fails', async ({ page, startWizard }) => {
    const wizard = await startWizard({ method: 'est' });
    await wizard.open(page);
    await page.getByRole('button', { name: 'Get started' }).click();
    await expectStep(page, 'Your details');
    await page.getByLabel('Work email address').fill('dana@');

    await page.getByRole('button', { name: 'Continue' }).click();

    await expect(page.locator('#identity-email-error')).toHaveText(/^Invalid email address/);
    await expect(page.locator('#identity-name-error')).toHaveText('');
    await expect(page.getByLabel('Work email address')).toBeFocused();
  });

  test('clears a fixed error on the next try', async ({ page, startWizard }) => {
    const wizard = await startWizard({ method: 'est' });
    await wizard.open(page);
    await page.getByRole('button', { name: 'Get started' }).click();
    await page.getByLabel('Full name').fill('');
    await page.getByLabel('Work email address').fill('dana');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.locator('#identity-name-error')).toHaveText(/^Missing name/);

    await page.getByLabel('Full name').fill('Dana Example');
    await page.getByRole('button', { name: 'Continue' }).click();

    await expect(page.locator('#identity-name-error')).toHaveText('');
    await expect(page.locator('#identity-email-error')).toHaveText(/^Invalid email address/);
    await expect(page.getByLabel('Work email address')).toBeFocused();
  });
});
