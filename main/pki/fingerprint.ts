import { createHash } from 'node:crypto';

/** Computes the SHA-256 fingerprint of DER bytes as uppercase hex pairs joined by colons. */
export function sha256Fingerprint(der: Uint8Array): string {
  const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  return hex.match(/../g)!.join(':');
}

/** Compares two fingerprints, ignoring case and colons. */
export function sameFingerprint(a: string, b: string): boolean {
  return normalise(a) === normalise(b);
}

function normalise(fingerprint: string): string {
  return fingerprint.replace(/:/g, '').toUpperCase();
}
