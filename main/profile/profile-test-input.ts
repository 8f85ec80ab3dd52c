import { demoOrganisation } from '../demo/demo-organisation.ts';
import { generateStaticKey } from '../demo/static-key.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { createCsr } from '../pki/csr.ts';
import { sha256Fingerprint } from '../pki/fingerprint.ts';
import { generateRsaKeyPair, privateKeyToPem } from '../pki/keys.ts';
import { testCa } from '../testing/fixtures.ts';
import type { ProfileInput } from './profile-builder.ts';

/**
 * Builds profile input for tests from real material: a demo CA, a client key and the
 * certificate the CA signed for it. The remotes are on loopback, so a profile that reaches
 * openvpn by mistake connects nowhere else.
 */
export async function createProfileInput(): Promise<ProfileInput> {
  const ca = await testCa();
  const keyPair = await generateRsaKeyPair(2048);
  const signed = ca.signClientCsr(createCsr(keyPair, { commonName: 'jane.doe@example.org' }).pem);

  const organisation = demoOrganisation({
    estUrl: 'https://127.0.0.1:8443/.well-known/est',
    caCertificatePem: ca.certificatePem,
    caFingerprint: sha256Fingerprint(ca.certificateDer),
    username: 'tester',
    tlsCryptKey: generateStaticKey(),
    targets: [],
  });

  return {
    organisation: {
      ...organisation,
      vpn: {
        ...organisation.vpn,
        endpoints: [
          { host: '127.0.0.1', port: 1194, proto: 'udp' },
          { host: '::1', port: 443, proto: 'tcp' },
        ],
        extraDirectives: [
          ['data-ciphers', 'AES-256-GCM:CHACHA20-POLY1305'],
          ['server-poll-timeout', '2'],
          ['pull-filter', 'ignore', 'ping'],
        ],
      },
    },
    caCertificatesPem: [ca.certificatePem],
    certificatePem: signed.certificatePem,
    privateKeyPem: privateKeyToPem(keyPair),
    generatedAt: new Date('2026-12-04T12:00:00Z'),
  };
}

/** Returns the input with some vpn settings replaced. */
export function withVpn(
  input: ProfileInput,
  patch: Partial<OrganisationFile['vpn']>,
): ProfileInput {
  const { organisation } = input;
  return { ...input, organisation: { ...organisation, vpn: { ...organisation.vpn, ...patch } } };
}

/** Returns the input with another organisation name. */
export function withName(input: ProfileInput, name: string): ProfileInput {
  const { organisation } = input;
  return {
    ...input,
    organisation: { ...organisation, organisation: { ...organisation.organisation, name } },
  };
}
