import type { Logger } from '../log/logger.ts';
import type { OrganisationFile } from '../org/schema.ts';
import type { CertificateSummary } from '../pki/certificate-check.ts';
import type { Identity } from './identity.ts';

/** A step of the job, as the CLI and the wizard show it. */
export type EnrollmentStep = 'key' | 'csr' | 'cacerts' | 'submit' | 'verify' | 'install';

/** Progress reported while enrolling. */
export type EnrollmentEvent =
  | { type: 'step-started'; step: EnrollmentStep; detail: string }
  | { type: 'step-finished'; step: EnrollmentStep; detail: string; reused: boolean }
  | { type: 'pending'; retryAt: Date };

/** How an enrollment run ended. */
export type EnrollmentResult =
  | { status: 'installed'; profilePath: string; certificate: CertificateSummary }
  | { status: 'already-installed'; profilePath: string; certificate: CertificateSummary }
  | { status: 'pending'; retryAt: Date; csrFingerprint: string }
  | {
      status: 'awaiting-certificate';
      csrPath: string;
      csrPem: string;
      csrFingerprint: string;
      instructions: string;
    };

export interface EnrollOptions {
  organisation: OrganisationFile;
  dataDir: string;
  /** Needed for a new request; may be left out when resuming one. */
  identity?: Identity;
  /** HTTP Basic credentials for EST. */
  credentials?: { username: string; password: string };
  /** Keep polling while the CA says the request is pending. */
  wait?: boolean;
  /** Start a new request with a new key even when one is pending or installed. */
  restart?: boolean;
  /** Stop once the CSR is written, whatever the method, so it can be signed by hand. */
  requestOnly?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: EnrollmentEvent) => void;
  log?: Logger;
}
