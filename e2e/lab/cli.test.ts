import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { afterAll, beforeAll, expect, it } from 'vitest';

import type { ConnectionState } from '../../main/connect/connection-state.ts';
import type { ReachabilitySummary } from '../../main/reach/reachability.ts';
import { describeWith, toolPath } from '../../main/testing/requirements.ts';
import { labDown, labUp, type Lab } from './lab-environment.ts';
import { enrollInLab } from './lab-enrollment.ts';
import { pidsIn, signalInNamespace } from './namespaces.ts';
import { LAB_ADDRESSES } from './topology.ts';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'vpn-onboard.js');

let lab: Lab;
let dataDir: string;
let organisationPath: string;

interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Returns the command line that runs the CLI inside the client namespace, as a user would. */
function cliCommand(args: string[]): [string, string[]] {
  return [
    'ip',
    [
      'netns',
      'exec',
      lab.namespace('client'),
      process.execPath,
      CLI,
      ...args,
      '--data-dir',
      dataDir,
    ],
  ];
}

function runCli(args: string[]): Promise<CliResult> {
  const [command, commandArgs] = cliCommand(args);
  return new Promise((resolve) => {
    execFile(command, commandArgs, { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error === null ? 0 : Number(error.code ?? 1), stdout, stderr });
    });
  });
}

interface JsonResult {
  state: ConnectionState;
  tunnelCheck?: unknown;
  reachability?: ReachabilitySummary;
}

async function runJson(args: string[]): Promise<JsonResult> {
  const result = await runCli([...args, '--json']);
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as JsonResult;
}

async function openvpnPid(): Promise<number | undefined> {
  const pids = await pidsIn(lab.namespace('client'));
  for (const pid of pids) {
    const name = await lab.exec('client', ['cat', `/proc/${pid}/comm`]).catch(() => '');
    if (name.trim() === 'openvpn') return pid;
  }
  return undefined;
}

describeWith(['root', 'openvpn', 'iproute2'], 'cli in the network lab', () => {
  beforeAll(async () => {
    lab = await labUp({ openvpnPath: toolPath('openvpn') });
    dataDir = await mkdtemp(join(tmpdir(), 'vpn-onboard-lab-cli-'));
    ({ organisationPath } = await enrollInLab(lab, dataDir));
  });

  afterAll(async () => {
    await labDown({ prefix: lab?.prefix });
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('connects and returns with openvpn running', async () => {
    const result = await runJson(['connect', '--org', organisationPath]);

    expect(result.state).toMatchObject({
      status: 'connected',
      endpoint: { host: LAB_ADDRESSES.fw1 },
    });
    expect(result.tunnelCheck).toMatchObject({ healthy: true });
    expect(await openvpnPid()).toBeGreaterThan(0);
  });

  it('reports the state from a later process', async () => {
    const result = await runJson(['status']);

    expect(result.state).toMatchObject({
      status: 'connected',
      endpoint: { host: LAB_ADDRESSES.fw1 },
    });
  });

  it('includes reachability in the status', async () => {
    const result = await runJson(['status']);
    const statuses = result.reachability?.networks.map((network) => network.status) ?? [];

    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 'reachable')).toBe(true);
  });

  it('prints the state as a line', async () => {
    const result = await runCli(['status']);

    expect(result.stdout).toMatch(
      /^Connected to 198\.18\.0\.1:1194 as 192\.168\.10[23]\.\d+ since /,
    );
  });

  it('streams state changes and restarts a killed openvpn', async () => {
    const [command, commandArgs] = cliCommand(['status', '--watch', '--json']);
    const watcher = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: watcher.stdout });
    const states: ConnectionState[] = [];
    const reconnected = new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        // Reachability changes come as {"reachability": ...} lines between the states.
        const entry = JSON.parse(line) as ConnectionState | { reachability: unknown };
        if ('reachability' in entry) return;
        states.push(entry);
        if (states.length > 1 && states.at(-1)?.status === 'connected') resolve();
      });
    });

    try {
      await new Promise((resolve) => lines.once('line', resolve));
      const pid = (await openvpnPid()) ?? 0;
      await signalInNamespace(lab.namespace('client'), pid, 'SIGKILL');
      await reconnected;
    } finally {
      if (watcher.pid !== undefined) {
        await signalInNamespace(lab.namespace('client'), watcher.pid, 'SIGTERM');
      }
      await once(watcher, 'exit');
    }

    expect(states[0]?.status).toBe('connected');
    expect(states.map((state) => state.status)).toContain('reconnecting');
    expect(states.at(-1)?.status).toBe('connected');
    expect(await openvpnPid()).toBeGreaterThan(0);
  });

  it('reconnects the running tunnel', async () => {
    const started = performance.now();
    const result = await runJson(['reconnect']);
    const elapsed = performance.now() - started;

    expect(result.state.status).toBe('connected');
    // Two node starts inside the namespace are part of this time.
    expect(elapsed).toBeLessThan(5_000);
  });

  it('disconnects with no openvpn and no tun device left', async () => {
    const result = await runJson(['disconnect']);

    expect(result.state).toEqual({ status: 'disconnected' });
    expect(await pidsIn(lab.namespace('client'))).toEqual([]);
    expect(await lab.exec('client', ['ip', '-j', 'link', 'show', 'type', 'tun'])).toMatch(/^\[\]/);
  });

  it('reports disconnected when nothing runs', async () => {
    const result = await runCli(['status']);
    const [stateLine, ...reachability] = result.stdout.trim().split('\n');

    expect(result.status).toBe(0);
    expect(stateLine).toBe('Disconnected');
    expect(reachability.join('\n')).toContain('no route through the VPN');
  });
});
