// Measures connect, reconnect and failover in the network lab, for the openvpn driver and for
// bare openvpn started by hand with the same profile, then rewrites the "Connect, reconnect and
// failover" section of docs/benchmarks.md. Needs root, openvpn and iproute2.
// Usage: npx tsx scripts/bench-lab.ts [RUNS]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { OpenvpnDriver } from '../main/connect/openvpn-driver.ts';
import { issueTestClient } from '../main/connect/test-profile.ts';
import { toolPath } from '../main/testing/requirements.ts';
import { labDown, labUp, type Lab } from '../e2e/lab/lab-environment.ts';
import { installLabProfile } from '../e2e/lab/lab-profile.ts';
import { signalInNamespace } from '../e2e/lab/namespaces.ts';
import { LAB_ADDRESSES } from '../e2e/lab/topology.ts';
import { replaceSection } from './benchmark-page.ts';

const HEADING = '## Connect, reconnect and failover';
const PREFIX = 'bench-';
const WAIT_MS = 20_000;
const METRICS = [
  'connect',
  'reconnect',
  'failover-sigterm',
  'failover-sigkill',
  'failover-link',
] as const;
type Metric = (typeof METRICS)[number];

/** One openvpn client in the client namespace, driven either by the app or by hand. */
interface Client {
  /** Starts openvpn and resolves with the milliseconds until it is connected. */
  start(): Promise<number>;
  /** Restarts the tunnel with SIGUSR1 and resolves with the milliseconds until it is connected. */
  reconnect(): Promise<number>;
  /** Resolves when the tunnel is next connected to `host`. */
  connectedTo(host: string): Promise<void>;
  stop(): Promise<void>;
}

function driverClient(lab: Lab, dataDir: string, profile: string, openvpn: string): Client {
  let driver: OpenvpnDriver | undefined;

  return {
    async start() {
      driver = new OpenvpnDriver({
        dataDir,
        openvpnPath: openvpn,
        commandPrefix: ['ip', 'netns', 'exec', lab.namespace('client')],
        extraArguments: ['--disable-dco'],
        connectTimeoutMs: WAIT_MS,
      });
      await driver.installProfile(profile);
      const started = performance.now();
      await driver.connect();
      return performance.now() - started;
    },
    async reconnect() {
      const started = performance.now();
      await driver?.reconnect();
      return performance.now() - started;
    },
    connectedTo(host) {
      return withTimeout(
        new Promise((resolve) => {
          const unsubscribe = driver?.onState((state) => {
            if (state.status !== 'connected' || state.endpoint.host !== host) return;
            unsubscribe?.();
            resolve();
          });
        }),
        `driver connected to ${host}`,
      );
    },
    async stop() {
      await driver?.disconnect();
    },
  };
}

/**
 * openvpn started directly in the client namespace with the same profile. Its standard output
 * is read as it is written: "Initialization Sequence Completed" marks CONNECTED, and the "Peer
 * Connection Initiated" line before it names the server.
 */
function bareClient(lab: Lab, profile: string, openvpn: string): Client {
  let child: ChildProcess | undefined;
  let peer = '';
  const waiters = new Set<(host: string) => void>();

  const nextConnected = (host?: string) =>
    withTimeout(
      new Promise<void>((resolve) => {
        const waiter = (connectedHost: string) => {
          if (host !== undefined && connectedHost !== host) return;
          waiters.delete(waiter);
          resolve();
        };
        waiters.add(waiter);
      }),
      `bare openvpn connected to ${host ?? 'a server'}`,
    );

  return {
    async start() {
      const started = performance.now();
      child = spawn(
        'ip',
        ['netns', 'exec', lab.namespace('client'), openvpn, '--config', profile, '--disable-dco'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const connected = nextConnected();
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const match = /Peer Connection Initiated with \[AF_INET\]([\d.]+):/.exec(line);
        if (match?.[1] !== undefined) peer = match[1];
        if (line.includes('Initialization Sequence Completed')) {
          for (const waiter of [...waiters]) waiter(peer);
        }
      });
      await connected;
      return performance.now() - started;
    },
    async reconnect() {
      const connected = nextConnected();
      const started = performance.now();
      await signalInNamespace(lab.namespace('client'), child?.pid ?? 0, 'SIGUSR1');
      await connected;
      return performance.now() - started;
    },
    connectedTo: (host) => nextConnected(host),
    async stop() {
      if (child === undefined || child.exitCode !== null) return;
      const exited = once(child, 'exit');
      await signalInNamespace(lab.namespace('client'), child.pid ?? 0, 'SIGTERM');
      await exited;
    },
  };
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${WAIT_MS} ms: ${what}`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs every measurement once for one client and returns milliseconds by metric. */
async function measure(lab: Lab, client: Client): Promise<Record<Metric, number>> {
  const times = {} as Record<Metric, number>;
  const failover = async (metric: Metric, breakServer: () => Promise<void>) => {
    await client.start();
    // Lets the server's first keepalives arrive, as on a tunnel in use.
    await pause(1_000);
    const onSecond = client.connectedTo(LAB_ADDRESSES.fw2);
    const started = performance.now();
    await breakServer();
    await onSecond;
    times[metric] = performance.now() - started;
    await client.stop();
  };

  times.connect = await client.start();
  await pause(300);
  times.reconnect = await client.reconnect();
  await client.stop();

  await failover('failover-sigterm', () => lab.signalServer('fw1', 'SIGTERM'));
  await lab.restartServer('fw1');
  await failover('failover-sigkill', () => lab.signalServer('fw1', 'SIGKILL'));
  await lab.restartServer('fw1');
  await failover('failover-link', () => lab.setUplink('fw1', false));
  await lab.setUplink('fw1', true);
  // A link that just came back up can drop the next client's first packets.
  await pause(1_000);
  return times;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function milliseconds(value: number): string {
  return value >= 1_000 ? `${(value / 1_000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
}

function range(values: number[]): string {
  return `${milliseconds(Math.min(...values))} to ${milliseconds(Math.max(...values))}`;
}

const LABELS: Record<Metric, string> = {
  connect: 'Connect to CONNECTED',
  reconnect: 'Reconnect (SIGUSR1) to CONNECTED',
  'failover-sigterm': 'Failover fw1 to fw2, fw1 openvpn gets SIGTERM',
  'failover-sigkill': 'Failover fw1 to fw2, fw1 openvpn gets SIGKILL',
  'failover-link': "Failover fw1 to fw2, fw1's link goes down",
};

function target(metric: Metric, driver: number, bare: number): string {
  switch (metric) {
    case 'reconnect':
      return `within 100 ms of bare: ${driver - bare < 100 ? 'met' : 'missed'}`;
    case 'failover-sigterm':
      return `under 1 s: ${driver < 1_000 ? 'met' : 'missed'}`;
    case 'failover-link':
      return `under 5 s: ${driver < 5_000 ? 'met' : 'missed'}`;
    default:
      return '';
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('bench-lab needs root: it creates network namespaces. Run it as root or in CI.');
    process.exitCode = 1;
    return;
  }
  const runs = Number(process.argv[2] ?? 5);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`Invalid run count ${process.argv[2]}; pass a whole number such as 5.`);
    process.exitCode = 2;
    return;
  }

  const openvpn = toolPath('openvpn');
  const directory = join(tmpdir(), 'vpn-onboard-bench-lab');
  const lab = await labUp({ prefix: PREFIX, directory, openvpnPath: openvpn });
  const dataDir = await mkdtemp(join(tmpdir(), 'vpn-onboard-bench-data-'));
  const results: Record<'driver' | 'bare', Record<Metric, number[]>> = {
    driver: Object.fromEntries(METRICS.map((metric) => [metric, []])) as never,
    bare: Object.fromEntries(METRICS.map((metric) => [metric, []])) as never,
  };

  try {
    const profile = await installLabProfile(lab, dataDir, await issueTestClient(lab.ca, 'bench'));
    const clients = {
      driver: driverClient(lab, dataDir, profile, openvpn),
      bare: bareClient(lab, profile, openvpn),
    };

    for (let run = 1; run <= runs; run++) {
      // The two clients alternate, so load from other processes hits both alike.
      for (const name of ['driver', 'bare'] as const) {
        const times = await measure(lab, clients[name]);
        for (const metric of METRICS) results[name][metric].push(times[metric]);
        const rounded = METRICS.map((metric) => `${metric} ${Math.round(times[metric])} ms`);
        console.log(`run ${run} ${name}: ${rounded.join(', ')}`);
      }
    }
  } finally {
    await labDown({ prefix: PREFIX, directory });
    await rm(dataDir, { recursive: true, force: true });
  }

  const version = spawnSync(openvpn, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  const rows = METRICS.map((metric) => {
    const driver = median(results.driver[metric]);
    const bare = median(results.bare[metric]);
    return (
      `| ${LABELS[metric]} | ${runs} | ${milliseconds(driver)} (${range(results.driver[metric])}) | ` +
      `${milliseconds(bare)} (${range(results.bare[metric])}) | ` +
      `${(driver / bare).toFixed(2)}x | ${target(metric, driver, bare)} |`
    );
  });

  const section = [
    HEADING,
    '',
    `Command: \`npm run bench:lab\` (scripts/bench-lab.ts), ${new Date().toISOString()}, ` +
      `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${version?.split(' [')[0] ?? 'openvpn'}, as root.`,
    '',
    'Both clients run in the lab of network namespaces with the same profile, built by the',
    "product's profile builder with its default failover timers, and `--disable-dco` on both sides.",
    '"Driver" is the openvpn driver (management interface on a unix socket, `--management-hold`,',
    'no tunnel probe targets); "bare" is openvpn started by hand in the client namespace, timed',
    'from its own output ("Initialization Sequence Completed") and reconnected with `kill -USR1`.',
    'Failover is timed from the moment fw1 is broken until the tunnel is connected through fw2;',
    "on link loss that depends on when fw1's last keepalive arrived, so single runs vary by",
    'about a second. Each number is the median of the runs, with the lowest and highest run in',
    'brackets; driver and bare runs alternate.',
    '',
    '| What | Runs | Driver, median (range) | Bare openvpn, median (range) | Ratio | Target |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  replaceSection(HEADING, section);
  console.log(section);
}

main().catch((error: unknown) => {
  console.error(`bench-lab failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
