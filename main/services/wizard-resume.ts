import { basename } from 'node:path';

import type { WizardSnapshot } from '../contract/wizard-state.ts';
import type { EnrollmentStore } from '../enroll/enrollment-store.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { checkIssuedCertificate, type CertificateSummary } from '../pki/certificate-check.ts';
import { readCertificates } from '../pki/certificate-reader.ts';
import { publicKeySpkiDer, readPrivateKeyPem } from '../pki/keys.ts';
import { describeFailure } from './failure-messages.ts';
import { isAfter, readWizardRecord } from './wizard-record.ts';

/** The part of the snapshot that a restart restores. */
export type ResumePoint = Partial<
  Pick<
    WizardSnapshot,
    | 'step'
    | 'identity'
    | 'identityLocked'
    | 'request'
    | 'pending'
    | 'certificate'
    | 'profilePath'
    | 'error'
  >
>;

/**
 * Reads where the wizard left off, without contacting the CA. Once a key exists, the enrollment
 * state decides the step, so a request with the CA always reopens on the signing step. The
 * wizard record restores the steps before the key and after the install.
 */
export async function readResumePoint(
  store: EnrollmentStore,
  organisation: OrganisationFile,
): Promise<ResumePoint> {
  const record = await readWizardRecord(store.dataDir, store.organisationId);
  const point: ResumePoint = record?.identity === undefined ? {} : { identity: record.identity };

  let enrollment;
  try {
    enrollment = await store.readState();
  } catch (error) {
    return { ...point, step: 'welcome', error: { step: 'welcome', ...describeFailure(error) } };
  }

  if (enrollment === undefined) {
    const early = record !== undefined && !isAfter(record.step, 'identity');
    return { ...point, step: early ? record.step : 'welcome' };
  }

  if (enrollment.identity !== undefined) point.identity = enrollment.identity;
  const csrPem = await store.readCsr();
  if (csrPem !== undefined && enrollment.csrFingerprint !== undefined) {
    point.request = {
      csrPem,
      csrFingerprint: enrollment.csrFingerprint,
      csrFileName: `${store.organisationId}-${basename(store.csrPath)}`,
    };
  }

  switch (enrollment.phase) {
    case 'key-generated':
    case 'csr-created':
      return { ...point, step: 'request' };
    case 'submitted':
    case 'issued':
      return { ...point, step: 'signing', identityLocked: true };
    case 'pending': {
      const pending =
        enrollment.retryAt === undefined
          ? undefined
          : { retryAt: enrollment.retryAt, canPoll: false };
      return { ...point, step: 'signing', identityLocked: true, pending };
    }
    case 'installed': {
      const late = record !== undefined && !isAfter('certificate', record.step);
      const step = late ? record.step : 'done';
      try {
        const certificate = await installedCertificate(store, organisation);
        return {
          ...point,
          step,
          identityLocked: true,
          certificate,
          profilePath: enrollment.profilePath,
        };
      } catch (error) {
        return {
          ...point,
          step: 'signing',
          identityLocked: true,
          error: { step: 'signing', ...describeFailure(error) },
        };
      }
    }
  }
}

/** Checks the installed certificate again, so an expired one is reported rather than shown as fine. */
async function installedCertificate(
  store: EnrollmentStore,
  organisation: OrganisationFile,
): Promise<CertificateSummary> {
  const [certificatePem, keyPem] = await Promise.all([store.readCertificate(), store.readKey()]);
  if (certificatePem === undefined || keyPem === undefined) {
    throw new Error(
      `The enrollment in ${store.directory} has no certificate or key; start over to enroll again.`,
    );
  }

  const certificates = readCertificates(certificatePem);
  return checkIssuedCertificate({
    certificate: certificates[0]!,
    intermediates: certificates.slice(1),
    anchors: organisation.ca.certificates.map((pem) => readCertificates(pem)[0]!),
    publicKeySpkiDer: publicKeySpkiDer(readPrivateKeyPem(keyPem).publicKey),
  });
}
