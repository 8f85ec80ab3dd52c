import type { CertificateExpiry } from '../contract/status-state.ts';
import { EnrollmentStore } from '../enroll/enrollment-store.ts';
import { oneLine, validTo } from '../pki/certificate-check.ts';
import { readCertificates } from '../pki/certificate-reader.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The subject and end of validity of the installed certificate. */
export interface InstalledCertificate {
  subject: string;
  notAfter: string;
}

/**
 * Reads the certificate the enrollment installed in the data directory; undefined when none is
 * installed yet. Raises when the file is not a certificate.
 */
export async function readInstalledCertificate(
  dataDir: string,
  organisationId: string,
): Promise<InstalledCertificate | undefined> {
  const pem = await new EnrollmentStore(dataDir, organisationId).readCertificate();
  if (pem === undefined) return undefined;

  const certificates = readCertificates(pem);
  // The file contains the leaf and may contain its chain, so the first certificate that is not a CA
  // is the personal one.
  const leaf = certificates.find((certificate) => !certificate.ca) ?? certificates[0];
  if (leaf === undefined) return undefined;
  return { subject: oneLine(leaf.subject), notAfter: validTo(leaf).toISOString() };
}

/** Returns the installed certificate with the whole days left until it expires at `now`. */
export function certificateExpiry(certificate: InstalledCertificate, now: Date): CertificateExpiry {
  return { ...certificate, daysLeft: daysLeft(new Date(certificate.notAfter), now) };
}

/** Counts whole days from `now` to `notAfter`: 0 on the last day, negative once expired. */
export function daysLeft(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
}
