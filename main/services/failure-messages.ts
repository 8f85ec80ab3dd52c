import type { WizardError } from '../contract/wizard-state.ts';
import { EstError } from '../enroll/est-error.ts';
import { IdentityError } from '../enroll/identity.ts';
import { CertificateCheckError } from '../pki/certificate-check.ts';
import { CertificateFormatError } from '../pki/certificate-reader.ts';

/** Turns an error from the enrollment engine into the message and field the wizard shows. */
export function describeFailure(error: unknown): Omit<WizardError, 'step'> {
  const message = error instanceof Error ? error.message : String(error);

  if (error instanceof IdentityError) {
    const [first] = error.problems;
    if (first === undefined) return { field: /email/i.test(message) ? 'email' : 'name', message };
    return { field: first.field, message: first.message, fieldErrors: [...error.problems] };
  }
  if (error instanceof EstError && error.kind === 'unauthorized') {
    return { field: 'password', message };
  }
  if (error instanceof CertificateCheckError || error instanceof CertificateFormatError) {
    return { field: 'certificate', message };
  }
  return { message };
}
