import { createPublicKey, X509Certificate } from 'node:crypto';

import { checkIssuedCertificate, type CertificateSummary } from '../pki/certificate-check.ts';

/** Raised when a profile lacks the inline blocks the gate needs to read. */
export class ProfileReadError extends Error {
  override name = 'ProfileReadError';
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Checks the client certificate inside a self-contained profile before openvpn starts: it is
 * valid now, chains to the profile's `<ca>` and matches its `<key>`. With an expired certificate
 * openvpn 2.6.14 logs one warning, then restarts (ping-restart) and moves between the servers
 * without end, which looks like a network fault. Throws a CertificateCheckError with the
 * plain-words message instead.
 */
export function checkProfileCertificate(
  profileText: string,
  profilePath: string,
  now: Date = new Date(),
): CertificateSummary {
  const [certificate, ...intermediates] = certificatesIn(
    inlineBlock(profileText, 'cert', profilePath),
  );
  const anchors = certificatesIn(inlineBlock(profileText, 'ca', profilePath));
  if (certificate === undefined || anchors.length === 0) {
    throw new ProfileReadError(
      `The profile ${profilePath} has no certificate in its <cert> or <ca> block; enroll again to ` +
        'rebuild it.',
    );
  }

  let publicKeySpkiDer: Buffer;
  try {
    const key = createPublicKey(inlineBlock(profileText, 'key', profilePath));
    publicKeySpkiDer = key.export({ type: 'spki', format: 'der' });
  } catch (error) {
    if (error instanceof ProfileReadError) throw error;
    throw new ProfileReadError(
      `The private key in the <key> block of ${profilePath} is unreadable ` +
        `(${(error as Error).message}); enroll again to rebuild the profile.`,
    );
  }

  return checkIssuedCertificate({ certificate, intermediates, anchors, publicKeySpkiDer, now });
}

function inlineBlock(profileText: string, tag: string, profilePath: string): string {
  const match = new RegExp(`^<${tag}>\\n([\\s\\S]*?)^</${tag}>`, 'm').exec(
    profileText.replace(/\r\n/g, '\n'),
  );
  if (match?.[1] === undefined) {
    throw new ProfileReadError(
      `The profile ${profilePath} has no inline <${tag}> block; enroll again to rebuild it.`,
    );
  }
  return match[1];
}

function certificatesIn(block: string): X509Certificate[] {
  return (block.match(PEM_CERTIFICATE) ?? []).map((pem) => new X509Certificate(pem));
}
