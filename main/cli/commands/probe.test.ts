import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ProbeRound, ReachabilitySummary } from '../../reach/reachability.ts';

const CLI = join(import.meta.dirname, '..', '..', '..', 'bin', 'vpn-onboard.js');
const EXAMPLE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'resources',
  'examples',
  'example-corp-est.json',
);

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

let directory: string;
let organisationPath: string;
let server: Server;
let port: number;

function cli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--data-dir', directory]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

// Loopback networks only: their routes are local, so the route rule allows them and nothing
// leaves this machine.
describe.skipIf(process.platform !== 'linux')('probe command', () => {
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-probe-'));
    server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;

    const organisation = JSON.parse(await readFile(EXAMPLE, 'utf8')) as Record<string, unknown>;
    organisation.networks = [
      {
        id: 'office',
        name: 'Office',
        cidrs: ['127.0.0.0/8'],
        gateway: '127.0.0.1',
        probes: [{ host: '127.0.0.1', port, name: 'Web server' }],
      },
      {
        id: 'cloud',
        name: 'Cloud',
        cidrs: ['127.0.0.0/8'],
        via: 'office',
        probes: [{ host: '127.0.0.2' }],
      },
    ];
    organisationPath = join(directory, 'organisation.json');
    await writeFile(organisationPath, JSON.stringify(organisation));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(directory, { recursive: true, force: true });
  });

  it('prints a table and the explanations', async () => {
    const result = await cli(['probe', '--org', organisationPath]);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^NETWORK +LAYER +TARGET +RESULT +LATENCY$/m);
    expect(result.stdout).toMatch(
      /^Office +service +127\.0\.0\.1:\d+ \(Web server\) +up +[\d.]+ ms$/m,
    );
    // The tunnel is down, so the loopback networks answer directly.
    expect(result.stdout).toContain('Office is reachable directly, not through the VPN (');
    expect(result.stdout).toContain('Cloud is reachable directly, not through the VPN (');
  });

  it('prints the reachability and the round as JSON', async () => {
    const result = await cli(['probe', '--org', organisationPath, '--json']);
    const output = JSON.parse(result.stdout) as {
      reachability: ReachabilitySummary;
      round: ProbeRound;
    };

    expect(Object.keys(output)).toEqual(['reachability', 'round']);
    expect(output.reachability.tunnel).toEqual({ up: false, detail: 'openvpn is not running' });
    expect(output.reachability.networks.map((network) => network.status)).toEqual([
      'reachable',
      'reachable',
    ]);
    expect(output.round.samples).toHaveLength(4);
  });

  it('streams one JSON line per change with --watch', async () => {
    const child = spawn(process.execPath, [
      CLI,
      'probe',
      '--watch',
      '--json',
      '--interval',
      '0.2',
      '--org',
      organisationPath,
      '--data-dir',
      directory,
    ]);
    const lines = createInterface({ input: child.stdout });
    const [first] = (await once(lines, 'line')) as [string];
    child.kill('SIGTERM');
    const [status] = (await once(child, 'exit')) as [number | null];

    expect(JSON.parse(first)).toMatchObject({
      reachability: { networks: [{ status: 'reachable' }, {}] },
    });
    expect(status).toBe(0);
  });

  it('keeps watching until SIGINT', async () => {
    const child = spawn(process.execPath, [
      CLI,
      'probe',
      '--watch',
      '--org',
      organisationPath,
      '--data-dir',
      directory,
    ]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit') as Promise<[number | null]>;
    await sleep(1_500);
    const running = child.exitCode === null;
    child.kill('SIGINT');
    const [status] = await exited;

    expect(running).toBe(true);
    expect(status).toBe(0);
    expect(stderr).toBe('');
  });

  it('rejects an interval that is not a number', async () => {
    const result = await cli(['probe', '--org', organisationPath, '--interval', 'soon']);

    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'error: Invalid --interval "soon": expected a number of seconds greater than 0 and at most 86400.\n',
    );
  });

  it('rejects an interval over a day', async () => {
    const result = await cli(['probe', '--org', organisationPath, '--watch', '--interval', '1e9']);

    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'error: Invalid --interval "1e9": expected a number of seconds greater than 0 and at most 86400.\n',
    );
  });

  it.each(['1e12', '60001', '0', '-5', 'Infinity', ''])(
    'rejects the timeout "%s"',
    async (timeout) => {
      const result = await cli(['probe', '--org', organisationPath, '--timeout', timeout]);

      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        `error: Invalid --timeout "${timeout}": expected a number of milliseconds greater than 0 and at most 60000.\n`,
      );
    },
  );

  it('cuts a long network name in the table only', async () => {
    const longName = `Office ${'x'.repeat(293)}`;
    const organisation = JSON.parse(await readFile(organisationPath, 'utf8')) as {
      networks: { name: string }[];
    };
    organisation.networks[0]!.name = longName;
    const longNamePath = join(directory, 'long-name.json');
    await writeFile(longNamePath, JSON.stringify(organisation));

    const table = await cli(['probe', '--org', longNamePath]);
    const json = await cli(['probe', '--org', longNamePath, '--json']);
    const header = table.stdout.split('\n').find((line) => line.startsWith('NETWORK'));
    const row = table.stdout.split('\n').find((line) => line.startsWith('Office x'));
    const output = JSON.parse(json.stdout) as { reachability: ReachabilitySummary };

    expect(header?.indexOf('LAYER')).toBe(34);
    expect(row?.slice(0, 34)).toBe(`Office ${'x'.repeat(24)}…  `);
    expect(table.stdout).toContain(`${longName} is reachable directly`);
    expect(output.reachability.networks[0]?.name).toBe(longName);
  });
});
