import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

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
    expect(result.stdout).toContain('Office is reachable (');
    expect(result.stdout).toContain('Cloud is reachable (');
  });

  it('prints the summary and the round as JSON', async () => {
    const result = await cli(['probe', '--org', organisationPath, '--json']);
    const output = JSON.parse(result.stdout) as { summary: ReachabilitySummary; round: ProbeRound };

    expect(output.summary.tunnel).toEqual({ up: false, detail: 'openvpn is not running' });
    expect(output.summary.networks.map((network) => network.status)).toEqual([
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
      summary: { networks: [{ status: 'reachable' }, {}] },
    });
    expect(status).toBe(0);
  });

  it('rejects an interval that is not a positive number', async () => {
    const result = await cli(['probe', '--org', organisationPath, '--interval', 'soon']);

    expect(result.status).toBe(2);
    expect(result.stderr).toBe('error: Invalid --interval "soon": expected a positive number.\n');
  });
});
