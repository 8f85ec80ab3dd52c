import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseProfile } from '../profile/profile-parser.ts';
import { toolPath } from './requirements.ts';

/** What OpenSSL says about a profile's inline certificate and key. */
export interface OpensslProfileCheck {
  verifyOutput: string;
  certificatePublicKey: string;
  keyPublicKey: string;
}

/**
 * Splits a profile's <ca>, <cert> and <key> blocks into files and asks OpenSSL to verify the
 * certificate against the CA and to derive both public keys, so tests compare with an
 * independent implementation rather than with our own code.
 */
export function checkProfileWithOpenssl(profilePath: string): OpensslProfileCheck {
  const profile = parseProfile(readFileSync(profilePath, 'utf8'));
  const directory = mkdtempSync(join(tmpdir(), 'vpn-onboard-openssl-'));
  const files = {
    ca: join(directory, 'ca.pem'),
    cert: join(directory, 'cert.pem'),
    key: join(directory, 'key.pem'),
  };
  writeFileSync(files.ca, profile.blocks.ca ?? '');
  writeFileSync(files.cert, profile.blocks.cert ?? '');
  writeFileSync(files.key, profile.blocks.key ?? '', { mode: 0o600 });

  const openssl = (...args: string[]) =>
    execFileSync(toolPath('openssl'), args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  return {
    verifyOutput: openssl('verify', '-CAfile', files.ca, files.cert).trim(),
    certificatePublicKey: openssl('x509', '-in', files.cert, '-noout', '-pubkey'),
    keyPublicKey: openssl('pkey', '-in', files.key, '-pubout'),
  };
}
