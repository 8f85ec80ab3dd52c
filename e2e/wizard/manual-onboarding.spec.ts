import { writeFile } from 'node:fs/promises';

import { createDemoCa } from '../../main/demo-ca/certificate-authority.ts';
import { createCsr } from '../../main/pki/csr.ts';
import { generateRsaKeyPair } from '../../main/pki/keys.ts';
import { requireChromium } from './requirements.ts';
import { checkStep, expect, expectStep, stepHeading, test } from './wizard-fixtures.ts';
import { walkFromCertificateToDone, walkToSigning } from './wizard-steps.ts';

requireChromium();

test.describe('onboarding by the manual method', () => {
  test('completes with a pasted certificate', async ({ page, startWizard }, testInfo) => {
    const wizard = await startWizard({ method: 'manual' });
    await wizard.open(page);
    await walkToSigning(page);

    const csrPem = await page.getByLabel('Certificate signing request (PEM)').inputValue();
    expect(csrPem).toContain('-----BEGIN CERTIFICATE REQUEST-----');
    await expect(page.getByText('Email the request file to it-support@example.org')).toBeVisible();
    await checkStep(page, testInfo, '4-signing-manual');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save request…' }).click();
    expect((await download).suggestedFilename()).toBe('demo-request.csr');

    const { certificatePem } = wizard.demo.ca.signClientCsr(csrPem);
    await page.getByLabel('Paste the certificate, or drop the file here').fill(certificatePem);
    await page.getByRole('button', { name: 'Install certificate' }).click();

    await expectStep(page, 'Your certificate');
    await checkStep(page, testInfo, '5-certificate-manual');
    await walkFromCertificateToDone(page);
  });

  test('rejects a certificate for another key', async ({ page, startWizard }) => {
    const wizard = await startWizard({ method: 'manual' });
    await wizard.open(page);
    await walkToSigning(page);

    const otherKey = await generateRsaKeyPair(2048);
    const otherCsr = createCsr(otherKey, { commonName: 'dana@example.org' });
    const wrong = wizard.demo.ca.signClientCsr(otherCsr.pem).certificatePem;
    const field = page.getByLabel('Paste the certificate, or drop the file here');
    await field.fill(wrong);
    await page.getByRole('button', { name: 'Install certificate' }).click();

    await expect(page.locator('#certificate-error')).toContainText(/key/i);
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(field).toHaveValue(wrong);
    await expect(stepHeading(page, 'Signing')).toBeVisible();

    const csrPem = await page.getByLabel('Certificate signing request (PEM)').inputValue();
    const right = wizard.demo.ca.signClientCsr(csrPem).certificatePem;
    const dataTransfer = await page.evaluateHandle((pem) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([pem], 'dana.crt', { type: 'application/x-x509-user-cert' }));
      return transfer;
    }, right);
    await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
    await expect(field).toHaveValue(right);
    await page.getByRole('button', { name: 'Install certificate' }).click();

    await expectStep(page, 'Your certificate');
  });

  test('rejects a certificate from another CA', async ({ page, startWizard }) => {
    const wizard = await startWizard({ method: 'manual' });
    await wizard.open(page);
    await walkToSigning(page);

    const csrPem = await page.getByLabel('Certificate signing request (PEM)').inputValue();
    const otherCa = await createDemoCa({ commonName: 'Somebody Else CA', keyBits: 2048 });
    await page
      .getByLabel('Paste the certificate, or drop the file here')
      .fill(otherCa.signClientCsr(csrPem).certificatePem);
    await page.getByRole('button', { name: 'Install certificate' }).click();

    await expect(page.locator('#certificate-error')).toContainText(/CA|trust|chain/i);
    await expect(stepHeading(page, 'Signing')).toBeVisible();
  });

  test('accepts a DER certificate from the file picker', async ({
    page,
    startWizard,
  }, testInfo) => {
    const wizard = await startWizard({ method: 'manual' });
    await wizard.open(page);
    await walkToSigning(page);

    const csrPem = await page.getByLabel('Certificate signing request (PEM)').inputValue();
    const path = testInfo.outputPath('dana.der');
    await writeFile(path, wizard.demo.ca.signClientCsr(csrPem).certificateDer);
    await page.locator('#certificate-file').setInputFiles(path);
    await page.getByRole('button', { name: 'Install certificate' }).click();

    await expectStep(page, 'Your certificate');
  });
});
