import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { stringify } from 'yaml';

import { createDemoCa } from '../demo-ca/certificate-authority.ts';
import { startEstServer } from '../demo-ca/est-server.ts';
import { enroll, type EnrollmentEvent, type EnrollmentResult } from '../enroll/enrollment.ts';
import type { Logger } from '../log/logger.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { checkIssuedCertificate, type CertificateSummary } from '../pki/certificate-check.ts';
import { readCertificates } from '../pki/certificate-reader.ts';
import { publicKeySpkiDer, readPrivateKeyPem } from '../pki/keys.ts';
import { parseProfile } from '../profile/profile-parser.ts';
import { probeTcp, type TcpProbeResult } from '../reach/tcp-probe.ts';
import { writeFileAtomic } from '../storage/secure-file.ts';
import { demoOrganisation } from './demo-organisation.ts';
import { startDemoNetworks } from './demo-networks.ts';
import { generateStaticKey } from './static-key.ts';

const PROBE_TIMEOUT_MS = 2000;

/** One row of the demo's reachability table. */
export interface DemoReachability {
  network: string;
  target: string;
  result: TcpProbeResult;
}

/** Everything the demo did, for the summary and for --json. */
export interface DemoReport {
  workDirectory: string;
  organisationFile: string;
  dataDir: string;
  estUrl: string;
  profilePath: string;
  certificate: CertificateSummary;
  profileCheck: string;
  reachability: DemoReachability[];
  steps: { step: string; detail: string; seconds: number }[];
}

export interface DemoOptions {
  onEvent?: (event: EnrollmentEvent) => void;
  onLine?: (text: string) => void;
  log: Logger;
  signal?: AbortSignal;
}

/**
 * Runs the whole job against a throwaway CA on loopback: starts the demo CA and stand-in hosts,
 * enrolls into a fresh temporary data directory, checks the installed profile on its own terms,
 * and probes the demo networks. The work directory is kept so the profile can be inspected.
 */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const line = options.onLine ?? (() => undefined);
  const workDirectory = await mkdtemp(join(tmpdir(), 'vpn-onboard-demo-'));
  const dataDir = join(workDirectory, 'data');
  const username = 'demo';
  const password = randomBytes(12).toString('base64url');

  const ca = await createDemoCa({ commonName: 'VPN Onboard Demo CA', keyBits: 2048 });
  const server = await startEstServer({ ca, username, password });
  const networks = await startDemoNetworks();

  try {
    const organisation = demoOrganisation({
      estUrl: server.url,
      caCertificatePem: ca.certificatePem,
      caFingerprint: server.caFingerprint,
      username,
      tlsCryptKey: generateStaticKey(),
      targets: networks.targets,
    });
    const organisationFile = join(workDirectory, 'organisation.yaml');
    await writeFileAtomic(organisationFile, stringify(organisation), { mode: 0o600 });

    line(`  Demo CA         ${server.url} (EST, loopback only, throwaway)`);
    line(`  Organisation    ${organisationFile}`);
    line(`  Data directory  ${dataDir}`);
    line('');

    const steps: DemoReport['steps'] = [];
    let stepStarted = Date.now();
    const result = await enroll({
      organisation,
      dataDir,
      identity: { name: 'Demo User', email: 'demo.user@example.org' },
      credentials: { username, password },
      wait: true,
      signal: options.signal,
      log: options.log,
      onEvent: (event) => {
        if (event.type === 'step-started') stepStarted = Date.now();
        if (event.type === 'step-finished') {
          steps.push({
            step: event.step,
            detail: event.detail,
            seconds: (Date.now() - stepStarted) / 1000,
          });
        }
        options.onEvent?.(event);
      },
    });
    const installed = expectInstalled(result);

    const profileCheck = await checkInstalledProfile(installed.profilePath);
    line(`✓ ${'Profile check'.padEnd(18)} ${profileCheck}`);

    const reachability = await probeDemoNetworks(organisation);
    return {
      workDirectory,
      organisationFile,
      dataDir,
      estUrl: server.url,
      profilePath: installed.profilePath,
      certificate: installed.certificate,
      profileCheck,
      reachability,
      steps,
    };
  } finally {
    await networks.close();
    await server.close();
  }
}

function expectInstalled(
  result: EnrollmentResult,
): Extract<EnrollmentResult, { status: 'installed' }> {
  if (result.status !== 'installed') {
    throw new Error(
      `The demo enrollment ended as "${result.status}" instead of installing a profile.`,
    );
  }
  return result;
}

/**
 * Reads the profile back the way openvpn will, and checks that its <cert> chains to its own
 * <ca> and matches its <key>: the profile must stand on its own.
 */
async function checkInstalledProfile(path: string): Promise<string> {
  const profile = parseProfile(await readFile(path, 'utf8'));
  const missing = ['ca', 'cert', 'key', 'tls-crypt'].filter(
    (name) => profile.blocks[name] === undefined,
  );
  if (missing.length > 0) {
    const blocks = missing.length === 1 ? 'the inline block' : 'the inline blocks';
    throw new Error(`The installed profile ${path} lacks ${blocks} ${missing.join(', ')}.`);
  }

  const certificates = readCertificates(profile.blocks.cert!);
  const anchors = readCertificates(profile.blocks.ca!);
  const key = readPrivateKeyPem(profile.blocks.key!);
  checkIssuedCertificate({
    certificate: certificates[0]!,
    intermediates: certificates.slice(1),
    anchors,
    publicKeySpkiDer: publicKeySpkiDer(key.publicKey),
  });

  const remotes = profile.directives.filter((directive) => directive.name === 'remote').length;
  return `<cert> chains to <ca>, matches <key>; ${remotes} ${remotes === 1 ? 'remote' : 'remotes'}, tls-crypt inline`;
}

async function probeDemoNetworks(organisation: OrganisationFile): Promise<DemoReachability[]> {
  const rows: DemoReachability[] = [];

  for (const network of organisation.networks) {
    for (const probe of network.probes) {
      // The demo's targets are its own loopback listeners; anything else is a bug, never a probe.
      if (!isIPv4(probe.host) || !probe.host.startsWith('127.') || probe.port === undefined) {
        throw new Error(
          `The demo does not probe ${probe.host}: only its own loopback listeners are demo targets.`,
        );
      }
      const result = await probeTcp(probe.host, probe.port, PROBE_TIMEOUT_MS);
      rows.push({
        network: network.name,
        target: `${probe.host}:${probe.port}${probe.name === undefined ? '' : ` (${probe.name})`}`,
        result,
      });
    }
  }
  return rows;
}
