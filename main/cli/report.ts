import type { EnrollmentResult } from '../enroll/enrollment.ts';
import { formatDate } from '../pki/certificate-check.ts';
import type { CommandContext } from './context.ts';

/** Prints how an enrollment run ended, for people, with the next step when there is one. */
export function printEnrollmentResult(context: CommandContext, result: EnrollmentResult): void {
  const out = context.out;

  switch (result.status) {
    case 'installed':
    case 'already-installed': {
      const { certificate } = result;
      const heading =
        result.status === 'installed'
          ? 'Installed the OpenVPN profile:'
          : 'Already enrolled; the profile is:';
      out.write(`\n${heading}\n  ${result.profilePath}\n`);
      out.write(`Certificate: ${certificate.subject}\n`);
      out.write(`  issued by ${certificate.issuer}\n`);
      out.write(`  valid until ${formatDate(new Date(certificate.notAfter))}\n`);
      out.write(`  SHA-256 ${certificate.sha256Fingerprint}\n`);
      for (const warning of certificate.warnings) out.write(`Warning: ${warning}\n`);
      if (result.status === 'already-installed') {
        out.write('Run with --restart to enroll again with a new key.\n');
      }
      return;
    }

    case 'pending':
      out.write(
        `\nThe CA has not signed the request yet; it suggests checking again at ${formatDate(result.retryAt)}.\n` +
          'Run the same command again to continue with the same key and request.\n',
      );
      return;

    case 'awaiting-certificate':
      out.write(
        `\nThe signing request is ready:\n  ${result.csrPath}\n  SHA-256 ${result.csrFingerprint}\n\n`,
      );
      out.write(`${result.instructions.trim()}\n\n`);
      out.write(
        'When you have the signed certificate, run:\n  vpn-onboard import-cert CERTIFICATE-FILE\n',
      );
      return;
  }
}
