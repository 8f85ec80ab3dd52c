import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createDemoCa, type DemoCa } from '../../main/demo-ca/certificate-authority.ts';
import { generateStaticKey } from '../../main/demo/static-key.ts';
import { startEstServer, type RunningEstServer } from './est-server.ts';
import {
  deleteNamespaces,
  inNamespace,
  listNamespaces,
  namespaceOf,
  signalInNamespace,
} from './namespaces.ts';
import {
  startServer,
  waitForLog,
  type RunningServer,
  type ServerSettings,
} from './openvpn-server.ts';
import { buildTopology, LAB_ADDRESSES, ROLES, setUplink, type Role } from './topology.ts';

export interface LabOptions {
  /**
   * Prefix of every namespace name: VPN_ONBOARD_LAB_PREFIX when set, else `lab-`, which gives
   * lab-client, lab-fw1 and so on.
   */
  prefix?: string;
  /**
   * Where configurations, keys and logs go, removed by `labDown`. The default depends on the
   * prefix.
   */
  directory?: string;
  openvpnPath?: string;
}

/**
 * A running lab: five namespaces, two OpenVPN servers, two internal HTTP hosts, and the demo
 * CA's EST server on fw1, reached from the client over fw1's link.
 */
export interface Lab {
  prefix: string;
  directory: string;
  ca: DemoCa;
  est: RunningEstServer;
  tlsCryptKey: string;
  /** The name both server certificates carry, for `verify-x509-name`. */
  serverName: string;
  servers: Record<'fw1' | 'fw2', RunningServer>;
  namespace(role: Role): string;
  /** Runs a command inside one of the lab's namespaces. */
  exec(role: Role, command: string[]): Promise<string>;
  /** Signals a server's openvpn, after checking that the PID is inside the lab. */
  signalServer(role: 'fw1' | 'fw2', signal: NodeJS.Signals): Promise<void>;
  setUplink(role: 'fw1' | 'fw2', up: boolean): Promise<void>;
  /** Starts a server's openvpn again after a test stopped it. */
  restartServer(role: 'fw1' | 'fw2'): Promise<void>;
}

export const DEFAULT_PREFIX = 'lab-';
export const LAB_SERVER_NAME = 'vpn.lab.example';
export const LAB_HTTP_PORT = 80;

export function defaultLabPrefix(): string {
  return process.env.VPN_ONBOARD_LAB_PREFIX || DEFAULT_PREFIX;
}

/** Returns the lab directory for a prefix, so labs with different prefixes never share one. */
export function defaultLabDirectory(prefix = DEFAULT_PREFIX): string {
  if (prefix === DEFAULT_PREFIX) return join(tmpdir(), 'vpn-onboard-lab');
  return join(tmpdir(), `vpn-onboard-lab-${prefix.replace(/-$/, '')}`);
}

/** Builds the lab, removing a stale one with the same prefix first; on failure, removes it all. */
export async function labUp(options: LabOptions = {}): Promise<Lab> {
  const prefix = options.prefix ?? defaultLabPrefix();
  const directory = options.directory ?? defaultLabDirectory(prefix);
  const openvpnPath = options.openvpnPath ?? 'openvpn';
  const namespace = (role: Role) => `${prefix}${role}`;

  await labDown({ prefix, directory });
  await mkdir(directory, { recursive: true, mode: 0o700 });

  try {
    const ca = await createDemoCa({ commonName: 'VPN Onboard Lab CA', keyBits: 2048 });
    const tlsCryptKey = generateStaticKey();
    const [fw1Credentials, fw2Credentials] = await Promise.all([
      ca.issueServerCertificate(LAB_SERVER_NAME, {
        dnsNames: [LAB_SERVER_NAME, 'fw1.lab.example'],
      }),
      ca.issueServerCertificate(LAB_SERVER_NAME, {
        dnsNames: [LAB_SERVER_NAME, 'fw2.lab.example'],
      }),
    ]);

    await buildTopology(namespace);

    const pushedRoutes = ['192.168.100.0 255.255.255.0', '192.168.200.0 255.255.252.0'];
    const common = { caPem: ca.certificatePem, tlsCryptKey, pushedRoutes };
    const settings: Record<'fw1' | 'fw2', ServerSettings> = {
      fw1: {
        ...common,
        name: 'fw1',
        listenAddress: LAB_ADDRESSES.fw1,
        pool: '192.168.102.0 255.255.254.0',
        credentials: fw1Credentials,
      },
      fw2: {
        ...common,
        name: 'fw2',
        listenAddress: LAB_ADDRESSES.fw2,
        pool: '192.168.104.0 255.255.254.0',
        credentials: fw2Credentials,
      },
    };
    const start = (role: 'fw1' | 'fw2') =>
      startServer(openvpnPath, namespace(role), directory, settings[role]);

    // The firewalls hold the CA that signs staff CSRs, so the EST server runs on fw1.
    const caDirectory = join(directory, 'ca');
    await ca.save(caDirectory);
    const [fw1, fw2, est] = await Promise.all([
      start('fw1'),
      start('fw2'),
      startEstServer({
        namespace: namespace('fw1'),
        directory,
        caDirectory,
        address: LAB_ADDRESSES.fw1,
      }),
    ]);
    const servers = { fw1, fw2 };

    await Promise.all([
      startHttpHost(namespace('vlan'), directory, 'vlan', LAB_ADDRESSES.vlanHost),
      startHttpHost(namespace('azure'), directory, 'azure', LAB_ADDRESSES.azureHost),
    ]);

    return {
      prefix,
      directory,
      ca,
      est,
      tlsCryptKey,
      serverName: LAB_SERVER_NAME,
      servers,
      namespace,
      exec: (role, command) => inNamespace(namespace(role), command),
      signalServer: async (role, signal) => {
        const pid = servers[role].pid;
        if (!(await signalInNamespace(namespace(role), pid, signal))) {
          throw new Error(`The ${role} openvpn (PID ${pid}) is not running in ${namespace(role)}.`);
        }
      },
      setUplink: (role, up) => setUplink(namespace, role, up),
      restartServer: async (role) => {
        // A server stopped by SIGTERM keeps its port while it notifies clients (explicit-exit-notify).
        await waitForProcessExit(namespace(role), servers[role].pid, 10_000);
        await rm(servers[role].logPath, { force: true });
        servers[role] = await start(role);
      },
    };
  } catch (error) {
    // The logs stay so the error's "see FILE" is still true; the next labUp removes them.
    await labDown({ prefix, directory, keepFiles: true });
    throw error;
  }
}

/**
 * Removes the lab: stops every process inside its namespaces (checked by `ip netns identify`),
 * deletes the namespaces and, unless `keepFiles` is set, the lab directory. Safe to call when
 * nothing is there.
 */
export async function labDown(options: LabOptions & { keepFiles?: boolean } = {}): Promise<void> {
  const prefix = options.prefix ?? defaultLabPrefix();
  const directory = options.directory ?? defaultLabDirectory(prefix);
  const existing = new Set(await listNamespaces());
  const labNamespaces = ROLES.map((role) => `${prefix}${role}`).filter((name) =>
    existing.has(name),
  );

  const failures: string[] = [];
  await deleteNamespaces(labNamespaces).catch((error: Error) => failures.push(error.message));

  if (options.keepFiles !== true) await rm(directory, { recursive: true, force: true });
  if (failures.length > 0) throw new Error(`Lab clean-up was incomplete: ${failures.join('; ')}`);
}

/** Starts an HTTP server that returns `name`, as a stand-in for an internal service. */
async function startHttpHost(
  namespace: string,
  directory: string,
  name: string,
  address: string,
): Promise<void> {
  const readyPath = join(directory, `${name}-http.ready`);
  const script =
    `require('node:http').createServer((request, response) => response.end(${JSON.stringify(name)}))` +
    `.listen(${LAB_HTTP_PORT}, ${JSON.stringify(address)}, () => ` +
    `require('node:fs').writeFileSync(${JSON.stringify(readyPath)}, 'ready'))`;

  const child = spawn('ip', ['netns', 'exec', namespace, process.execPath, '-e', script], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();

  await waitForLog(readyPath, 'ready', 5_000, `The ${name} HTTP host`);
}

async function waitForProcessExit(
  namespace: string,
  pid: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await namespaceOf(pid)) === namespace) {
    if (Date.now() > deadline)
      throw new Error(`PID ${pid} in ${namespace} did not exit within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
