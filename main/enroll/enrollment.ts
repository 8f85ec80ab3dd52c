import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { silentLogger, type Logger } from '../log/logger.ts';
import { createCsr, readCsr, type Csr } from '../pki/csr.ts';
import { sha256Fingerprint } from '../pki/fingerprint.ts';
import {
  generateRsaKeyPair,
  privateKeyToPem,
  publicKeySpkiDer,
  readPrivateKeyPem,
  type RsaKeyPair,
} from '../pki/keys.ts';
import { profilePath } from '../profile/profile-store.ts';
import {
  importCertificate,
  installCertificates,
  installedSummary,
  type ImportOptions,
} from './certificate-install.ts';
import {
  EnrollmentStateError,
  EnrollmentStore,
  saveOrganisation,
  type EnrollmentState,
} from './enrollment-store.ts';
import type { EnrollmentEvent, EnrollmentResult, EnrollOptions } from './enrollment-types.ts';
import { createEstClient, EstError } from './est-client.ts';
import { IdentityError, renderSubject, validateIdentity } from './identity.ts';
import { checkOrganisation } from './organisation-check.ts';

export type {
  EnrollmentEvent,
  EnrollmentResult,
  EnrollmentStep,
  EnrollOptions,
} from './enrollment-types.ts';
export { importCertificate, type ImportOptions };

const MANUAL_FALLBACK_INSTRUCTIONS =
  'Send the request file to your administrator and ask them to sign it as a client certificate with the ' +
  "organisation's VPN CA.";

/** Raised when an enrollment is cancelled; the request stays saved for the next run. */
export class EnrollmentCancelledError extends Error {
  override name = 'EnrollmentCancelledError';
}

/**
 * Runs the enrollment job as far as it can go: key, CSR, signing through the organisation's
 * method, checks, and profile install. Every step records its result before the next one
 * starts, so a run that crashes or is cancelled resumes with the same key and request.
 */
export async function enroll(options: EnrollOptions): Promise<EnrollmentResult> {
  const { organisation, dataDir } = options;
  const log = (options.log ?? silentLogger).child('enroll');
  const emit = options.onEvent ?? (() => undefined);
  const store = new EnrollmentStore(dataDir, organisation.organisation.id);

  checkOrganisation(organisation);
  await store.prepare();
  const unlock = await store.lock();
  try {
    return await enrollLocked(options, store, log, emit);
  } finally {
    await unlock();
  }
}

async function enrollLocked(
  options: EnrollOptions,
  store: EnrollmentStore,
  log: Logger,
  emit: (event: EnrollmentEvent) => void,
): Promise<EnrollmentResult> {
  const { organisation, dataDir } = options;
  await saveOrganisation(dataDir, organisation);

  let state = await store.readState();
  if (options.restart && (state !== undefined || (await store.readKey()) !== undefined)) {
    // Check what a new request needs before setting the old one aside, so a mistyped command
    // leaves everything as it was.
    if (options.identity === undefined) {
      throw new IdentityError(
        'Missing name and email address: --restart makes a new request, so pass --name and --email.',
      );
    }
    validateIdentity(options.identity);

    log.info('Setting the previous request aside', {
      org: store.organisationId,
      phase: state?.phase,
    });
    await store.archive();
    state = undefined;
  }

  if (
    state?.phase === 'installed' &&
    !options.requestOnly &&
    existsSync(profilePath(dataDir, store.organisationId))
  ) {
    const certificate = await installedSummary(store, organisation);
    return {
      status: 'already-installed',
      profilePath: profilePath(dataDir, store.organisationId),
      certificate,
    };
  }

  const request = await prepareRequest(store, options, state, emit, log);

  if (organisation.enrollment.method === 'manual' || options.requestOnly) {
    if (request.state.phase === 'key-generated' || request.state.phase === 'csr-created') {
      await store.writeState({ ...request.state, phase: 'submitted' });
    }
    return {
      status: 'awaiting-certificate',
      csrPath: store.csrPath,
      csrPem: request.csr.pem,
      csrFingerprint: request.csr.sha256Fingerprint,
      instructions: organisation.enrollment.instructions ?? MANUAL_FALLBACK_INSTRUCTIONS,
    };
  }

  return submitByEst(store, options, request, emit, log);
}

interface PreparedRequest {
  keyPair: RsaKeyPair;
  csr: Csr;
  state: EnrollmentState;
}

async function prepareRequest(
  store: EnrollmentStore,
  options: EnrollOptions,
  state: EnrollmentState | undefined,
  emit: (event: EnrollmentEvent) => void,
  log: Logger,
): Promise<PreparedRequest> {
  const { organisation } = options;
  const bits = organisation.key.bits;

  emit({ type: 'step-started', step: 'key', detail: `RSA ${bits}-bit private key` });
  const storedKey = await store.readKey();
  let keyPair: RsaKeyPair;
  if (storedKey !== undefined) {
    // A key on disk is reused even without a state record: the run that wrote it may have
    // crashed before recording it, and there must never be two keys for one request.
    keyPair = readPrivateKeyPem(storedKey);
    emit({
      type: 'step-finished',
      step: 'key',
      detail: 'reused the key from the previous run',
      reused: true,
    });
  } else {
    const started = Date.now();
    keyPair = await generateRsaKeyPair(bits);
    await store.writeKey(privateKeyToPem(keyPair));
    log.info('Generated a private key', {
      org: store.organisationId,
      bits,
      ms: Date.now() - started,
    });
    emit({
      type: 'step-finished',
      step: 'key',
      detail: `RSA ${bits}-bit key generated`,
      reused: false,
    });
  }

  const identity = options.identity ?? state?.identity;
  if (identity === undefined) {
    throw new IdentityError(
      'Missing name and email address: pass --name and --email for a new request.',
    );
  }
  const checkedIdentity = validateIdentity(identity);
  const method = organisation.enrollment.method;
  let nextState = await store.writeState({
    method,
    phase: state?.phase ?? 'key-generated',
    identity: checkedIdentity,
  });

  emit({ type: 'step-started', step: 'csr', detail: 'PKCS#10 certificate signing request' });
  const storedCsr = await store.readCsr();
  const reusable = storedCsr !== undefined && csrMatchesKey(storedCsr, keyPair);
  const identityChanged =
    state?.identity !== undefined &&
    (state.identity.name !== checkedIdentity.name ||
      state.identity.email !== checkedIdentity.email);

  if (reusable && !identityChanged) {
    const der = derOf(storedCsr);
    const csr: Csr = { pem: storedCsr, der, sha256Fingerprint: sha256Fingerprint(der) };
    emit({
      type: 'step-finished',
      step: 'csr',
      detail: `reused request ${shortFingerprint(csr)}`,
      reused: true,
    });
    return { keyPair, csr, state: nextState };
  }

  if (reusable && identityChanged && (state?.phase === 'submitted' || state?.phase === 'pending')) {
    throw new IdentityError(
      `A request for ${state.identity?.email} is already with the CA. Run again without --name/--email to continue it, ` +
        'or with --restart to discard it and make a new one.',
    );
  }

  const csr = createCsr(keyPair, renderSubject(organisation.subject, checkedIdentity));
  await store.writeCsr(csr.pem);
  nextState = await store.writeState({
    method,
    phase: 'csr-created',
    identity: checkedIdentity,
    csrFingerprint: csr.sha256Fingerprint,
  });
  log.info('Created a CSR', { org: store.organisationId, csr: csr.sha256Fingerprint });
  emit({
    type: 'step-finished',
    step: 'csr',
    detail: `request ${shortFingerprint(csr)}`,
    reused: false,
  });

  return { keyPair, csr, state: nextState };
}

async function submitByEst(
  store: EnrollmentStore,
  options: EnrollOptions,
  request: PreparedRequest,
  emit: (event: EnrollmentEvent) => void,
  log: Logger,
): Promise<EnrollmentResult> {
  const { organisation, signal } = options;
  const settings = organisation.enrollment;
  if (settings.method !== 'est') throw new Error('submitByEst needs an EST organisation');

  const client = createEstClient({
    url: settings.url,
    anchorsPem: organisation.ca.certificates,
    caFingerprint: settings.caFingerprint,
    timeoutMs: settings.timeoutSeconds * 1000,
    credentials: options.credentials,
  });

  emit({
    type: 'step-started',
    step: 'cacerts',
    detail: `CA certificates from ${settings.url}/cacerts`,
  });
  const caCertificates = await client.fetchCaCertificates(signal);
  emit({
    type: 'step-finished',
    step: 'cacerts',
    detail: `${caCertificates.length} CA ${caCertificates.length === 1 ? 'certificate' : 'certificates'}, pin ${settings.caFingerprint.slice(0, 11)}… matches`,
    reused: false,
  });

  for (;;) {
    emit({ type: 'step-started', step: 'submit', detail: `simpleenroll at ${settings.url}` });
    await store.writeState({
      ...request.state,
      phase: 'submitted',
      csrFingerprint: request.csr.sha256Fingerprint,
    });
    log.info('Submitting the CSR', {
      org: store.organisationId,
      url: settings.url,
      csr: request.csr.sha256Fingerprint,
    });

    const result = await client.simpleEnroll(request.csr.der, signal);
    if (result.status === 'issued') {
      emit({ type: 'step-finished', step: 'submit', detail: 'certificate issued', reused: false });
      return installCertificates(
        store,
        options,
        request.keyPair,
        result.certificates,
        caCertificates,
        emit,
        log,
      );
    }

    const retryAt = new Date(Date.now() + result.retryAfterSeconds * 1000);
    await store.writeState({
      ...request.state,
      phase: 'pending',
      csrFingerprint: request.csr.sha256Fingerprint,
      retryAt: retryAt.toISOString(),
    });
    log.info('The CA has not signed the request yet', {
      org: store.organisationId,
      retryAt: retryAt.toISOString(),
    });
    emit({ type: 'pending', retryAt });

    if (!options.wait) {
      return { status: 'pending', retryAt, csrFingerprint: request.csr.sha256Fingerprint };
    }
    await waitUntil(retryAt, signal);
  }
}

async function waitUntil(when: Date, signal: AbortSignal | undefined): Promise<void> {
  const delay = Math.max(0, when.getTime() - Date.now());
  try {
    await sleep(delay, undefined, { signal });
  } catch (error) {
    if (signal?.aborted) {
      throw new EnrollmentCancelledError(
        'Cancelled while waiting for the CA. The request is saved; run the same command again to continue.',
      );
    }
    throw error;
  }
}

function csrMatchesKey(pem: string, keyPair: RsaKeyPair): boolean {
  try {
    return readCsr(pem).publicKeySpkiDer.equals(publicKeySpkiDer(keyPair.publicKey));
  } catch {
    return false;
  }
}

function derOf(pem: string): Buffer {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE REQUEST-----/g, '').replace(/\s+/g, '');
  return Buffer.from(body, 'base64');
}

function shortFingerprint(csr: Csr): string {
  return csr.sha256Fingerprint.slice(0, 23);
}

export { EnrollmentStateError, EstError };
