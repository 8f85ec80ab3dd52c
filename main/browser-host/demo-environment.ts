import { randomBytes } from 'node:crypto';

import { createDemoCa, type DemoCa } from '../demo-ca/certificate-authority.ts';
import { startEstServer, type EstBehaviour, type EstServer } from '../demo-ca/est-server.ts';
import { startDemoNetworks } from '../demo/demo-networks.ts';
import { demoOrganisation } from '../demo/demo-organisation.ts';
import { generateStaticKey } from '../demo/static-key.ts';
import type { OrganisationFile } from '../org/schema.ts';

export const DEMO_MANUAL_INSTRUCTIONS =
  'Email the request file to it-support@example.org with the subject "VPN certificate". ' +
  'The help desk signs it within one working day and replies with your certificate.';

/**
 * A throwaway CA on loopback, loopback listeners that stand in for the demo networks' hosts, and
 * the demo organisation that points at both. Test and demo only.
 */
export interface DemoEnvironment {
  organisation: OrganisationFile;
  ca: DemoCa;
  username: string;
  password: string;
  /** The running EST server; undefined while `stopEstServer` has it down. */
  readonly estServer: EstServer | undefined;
  setBehaviour(patch: Partial<EstBehaviour>): void;
  /** Takes the EST server down, so clients see a refused connection. */
  stopEstServer(): Promise<void>;
  /** Brings the EST server back on the same port with the same CA. */
  startEstServer(): Promise<void>;
  close(): Promise<void>;
}

export interface DemoEnvironmentOptions {
  method: 'est' | 'manual';
  behaviour?: Partial<EstBehaviour>;
}

/** Starts the demo CA and its EST server and builds the demo organisation for `method`. */
export async function startDemoEnvironment(
  options: DemoEnvironmentOptions,
): Promise<DemoEnvironment> {
  const username = 'demo';
  const password = randomBytes(12).toString('base64url');
  const ca = await createDemoCa({ commonName: 'VPN Onboard Demo CA', keyBits: 2048 });
  let behaviour: Partial<EstBehaviour> = { ...options.behaviour };

  let server: EstServer | undefined = await startEstServer({ ca, username, password, behaviour });
  const port = server.port;
  const networks = await startDemoNetworks();

  const estOrganisation = demoOrganisation({
    estUrl: server.url,
    caCertificatePem: ca.certificatePem,
    caFingerprint: server.caFingerprint,
    username,
    tlsCryptKey: generateStaticKey(),
    targets: networks.targets,
  });
  const organisation: OrganisationFile =
    options.method === 'est'
      ? estOrganisation
      : {
          ...estOrganisation,
          enrollment: { method: 'manual', instructions: DEMO_MANUAL_INSTRUCTIONS },
        };

  return {
    organisation,
    ca,
    username,
    password,
    get estServer() {
      return server;
    },
    setBehaviour(patch) {
      behaviour = { ...behaviour, ...patch };
      server?.setBehaviour(patch);
    },
    async stopEstServer() {
      await server?.close();
      server = undefined;
    },
    async startEstServer() {
      if (server !== undefined) return;
      server = await startEstServer({ ca, username, password, behaviour, port });
    },
    async close() {
      await server?.close();
      server = undefined;
      await networks.close();
    },
  };
}
