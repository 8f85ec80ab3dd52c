import type { X509Certificate } from 'node:crypto';

import { silentLogger, type Logger } from '../log/logger.ts';
import type { OrganisationFile } from '../org/schema.ts';
import {
  buildChain,
  checkIssuedCertificate,
  type CertificateSummary,
} from '../pki/certificate-check.ts';
import { readCertificates } from '../pki/certificate-reader.ts';
import {
  privateKeyToPem,
  publicKeySpkiDer,
  readPrivateKeyPem,
  type RsaKeyPair,
} from '../pki/keys.ts';
import { buildProfile } from '../profile/profile-builder.ts';
import { installProfile } from '../profile/profile-store.ts';
import {
  EnrollmentStateError,
  EnrollmentStore,
  saveOrganisation,
  type EnrollmentState,
} from './enrollment-store.ts';
import type { EnrollmentEvent, EnrollmentResult, EnrollOptions } from './enrollment-types.ts';

/** Options for installing a certificate that arrived out of band. */
export interface ImportOptions {
  organisation: OrganisationFile;
  dataDir: string;
  certificate: string | Uint8Array;
  onEvent?: (event: EnrollmentEvent) => void;
  log?: Logger;
}

/**
 * Verifies a signed certificate that the user brings (the manual method) against the pending
 * request's key and installs the profile. A certificate that fails any check changes nothing.
 */
export async function importCertificate(options: ImportOptions): Promise<EnrollmentResult> {
  const { organisation, dataDir } = options;
  const log = (options.log ?? silentLogger).child('import');
  const store = new EnrollmentStore(dataDir, organisation.organisation.id);
  const emit = options.onEvent ?? (() => undefined);

  const keyPem = await store.readKey();
  const state = await store.readState();
  if (keyPem === undefined || state === undefined) {
    throw new EnrollmentStateError(
      `No certificate request for ${organisation.organisation.name} in ${dataDir}. Run "vpn-onboard csr" first, ` +
        'have it signed, then import the certificate.',
    );
  }

  const certificates = readCertificates(options.certificate);
  const unlock = await store.lock();
  try {
    const result = await installCertificates(
      store,
      { organisation, dataDir },
      readPrivateKeyPem(keyPem),
      certificates,
      [],
      emit,
      log,
      state,
    );
    // Later commands without --org read this copy, so it must be the file the profile came from.
    await saveOrganisation(dataDir, organisation);
    return result;
  } finally {
    await unlock();
  }
}

export async function installCertificates(
  store: EnrollmentStore,
  options: Pick<EnrollOptions, 'organisation' | 'dataDir'>,
  keyPair: RsaKeyPair,
  certificates: X509Certificate[],
  caCertificates: X509Certificate[],
  emit: (event: EnrollmentEvent) => void,
  log: Logger,
  knownState?: EnrollmentState,
): Promise<EnrollmentResult> {
  const { organisation, dataDir } = options;
  const ourKey = publicKeySpkiDer(keyPair.publicKey);

  emit({ type: 'step-started', step: 'verify', detail: 'certificate chain, key, validity' });
  const leaf =
    certificates.find((certificate) =>
      certificate.publicKey.export({ type: 'spki', format: 'der' }).equals(ourKey),
    ) ??
    certificates.find((certificate) => !certificate.ca) ??
    certificates[0]!;
  const intermediates = [...certificates, ...caCertificates].filter(
    (certificate) => certificate !== leaf,
  );
  const anchors = organisation.ca.certificates.map((pem) => readCertificates(pem)[0]!);

  const summary = checkIssuedCertificate({
    certificate: leaf,
    intermediates,
    anchors,
    publicKeySpkiDer: ourKey,
  });
  emit({
    type: 'step-finished',
    step: 'verify',
    detail: `issued by ${summary.issuer}`,
    reused: false,
  });

  // The server needs any intermediates to verify us, so they follow the leaf in <cert>; the
  // pinned anchors go in <ca>.
  const chain = buildChain(leaf, intermediates, anchors).slice(0, -1);
  const certificatePem = chain.map((certificate) => certificate.toString()).join('');

  const state = knownState ?? (await store.readState());
  await store.writeCertificate(certificatePem);
  await store.writeState({
    method: organisation.enrollment.method,
    identity: state?.identity,
    csrFingerprint: state?.csrFingerprint,
    phase: 'issued',
    certificateFingerprint: summary.sha256Fingerprint,
    notAfter: summary.notAfter,
  });

  emit({ type: 'step-started', step: 'install', detail: 'OpenVPN profile' });
  const text = buildProfile({
    organisation,
    caCertificatesPem: organisation.ca.certificates,
    certificatePem,
    privateKeyPem: privateKeyToPem(keyPair),
    generatedAt: new Date(),
  });
  const path = await installProfile(dataDir, organisation.organisation.id, text);
  await store.writeState({
    method: organisation.enrollment.method,
    identity: state?.identity,
    csrFingerprint: state?.csrFingerprint,
    phase: 'installed',
    certificateFingerprint: summary.sha256Fingerprint,
    notAfter: summary.notAfter,
    profilePath: path,
  });
  await store.discardArchive();
  log.info('Installed the profile', {
    org: organisation.organisation.id,
    path,
    certificate: summary.sha256Fingerprint,
  });
  emit({ type: 'step-finished', step: 'install', detail: path, reused: false });

  return { status: 'installed', profilePath: path, certificate: summary };
}

export async function installedSummary(
  store: EnrollmentStore,
  organisation: OrganisationFile,
): Promise<CertificateSummary> {
  const [certificatePem, keyPem] = await Promise.all([store.readCertificate(), store.readKey()]);
  if (certificatePem === undefined || keyPem === undefined) {
    throw new EnrollmentStateError(
      `The enrollment in ${store.directory} is incomplete. Run the command again with --restart to enroll again.`,
    );
  }

  const certificates = readCertificates(certificatePem);
  const anchors = organisation.ca.certificates.map((pem) => readCertificates(pem)[0]!);
  return checkIssuedCertificate({
    certificate: certificates[0]!,
    intermediates: certificates.slice(1),
    anchors,
    publicKeySpkiDer: publicKeySpkiDer(readPrivateKeyPem(keyPem).publicKey),
  });
}
