import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createDemoCa, type DemoCa } from '../demo-ca/certificate-authority.ts';
import { startEstServer, type EstServer } from '../demo-ca/est-server.ts';
import { demoOrganisation } from '../demo/demo-organisation.ts';
import { generateStaticKey } from '../demo/static-key.ts';
import type { OrganisationFile } from '../org/schema.ts';

export const TEST_USERNAME = 'tester';
export const TEST_PASSWORD = 'correct horse battery staple';
export const TEST_IDENTITY = { name: 'Jane Doe', email: 'jane.doe@example.org' };

/** A demo CA with its EST server on loopback and an organisation file pointing at it. */
export interface EstFixture {
  ca: DemoCa;
  server: EstServer;
  organisation: OrganisationFile;
  close(): Promise<void>;
}

let sharedCa: Promise<DemoCa> | undefined;

/** Returns one demo CA per test file, since RSA key generation dominates test time. */
export function testCa(): Promise<DemoCa> {
  if (sharedCa === undefined) {
    sharedCa = createDemoCa({ commonName: 'VPN Onboard Test CA', keyBits: 2048 });
  }
  return sharedCa;
}

/** Starts an EST server for the shared test CA and builds a 2048-bit organisation for it. */
export async function startEstFixture(): Promise<EstFixture> {
  const ca = await testCa();
  const server = await startEstServer({ ca, username: TEST_USERNAME, password: TEST_PASSWORD });
  const base = demoOrganisation({
    estUrl: server.url,
    caCertificatePem: ca.certificatePem,
    caFingerprint: server.caFingerprint,
    username: TEST_USERNAME,
    tlsCryptKey: generateStaticKey(),
    targets: [],
  });
  const organisation: OrganisationFile = { ...base, key: { type: 'rsa', bits: 2048 } };

  return { ca, server, organisation, close: () => server.close() };
}

/** Turns an EST organisation into the same organisation using the manual method. */
export function manualOrganisation(organisation: OrganisationFile): OrganisationFile {
  return {
    ...organisation,
    enrollment: { method: 'manual', instructions: 'Email the request to it-support@example.org.' },
  };
}

export function temporaryDirectory(prefix = 'vpn-onboard-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}
