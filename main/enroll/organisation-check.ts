import type { OrganisationFile } from '../org/schema.ts';
import {
  formatDate,
  formatDistance,
  oneLine,
  validFrom,
  validTo,
} from '../pki/certificate-check.ts';
import { readCertificates } from '../pki/certificate-reader.ts';
import { checkProfileInputs } from '../profile/profile-builder.ts';

/** Raised when an organisation file cannot lead to a working profile. */
export class OrganisationCheckError extends Error {
  override name = 'OrganisationCheckError';
}

/**
 * Checks, before any key or request is made, that the organisation file can produce a profile:
 * every directive and value the profile will carry, the tls-crypt key, and pinned CAs that are
 * valid now. Finding a broken file after an administrator has signed the request wastes their
 * work and the user's.
 */
export function checkOrganisation(organisation: OrganisationFile, now = new Date()): void {
  checkProfileInputs(organisation);

  for (const [index, pem] of organisation.ca.certificates.entries()) {
    const certificate = readCertificates(pem)[0]!;
    const name = `ca.certificates[${index}] ("${oneLine(certificate.subject)}")`;

    if (!certificate.ca) {
      throw new OrganisationCheckError(
        `${name} is not a CA certificate; ask your administrator for the organisation's CA certificate.`,
      );
    }
    if (now > validTo(certificate)) {
      throw new OrganisationCheckError(
        `${name} expired on ${formatDate(validTo(certificate))} (${formatDistance(now, validTo(certificate))} ago); ask your administrator for an updated organisation file.`,
      );
    }
    if (now < validFrom(certificate)) {
      throw new OrganisationCheckError(
        `${name} is not valid until ${formatDate(validFrom(certificate))}; check this computer's clock (it reads ${formatDate(now)}).`,
      );
    }
  }
}
