import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', '..', '..', 'bin', 'vpn-onboard.js');

// How long after printing the state the watch must still run: the flaw it guards against ended
// the process about 0.3 s after start.
const SETTLE_MS = 1_500;

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vpn-onboard-status-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--data-dir', dataDir]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * Starts `status --watch`, checks whether it still runs a while after its first output, then
 * sends `signal` and collects how it ended.
 */
async function watchThenInterrupt(
  args: string[],
  signal: NodeJS.Signals = 'SIGINT',
): Promise<CliResult & { runningAfterSettle: boolean }> {
  const child = spawn(process.execPath, [CLI, 'status', '--watch', ...args, '--data-dir', dataDir]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = once(child, 'close') as Promise<[number | null]>;

  // Timed from the first output, because starting the CLI takes longer on a busy machine.
  await Promise.race([once(child.stdout, 'data'), closed]);
  await sleep(SETTLE_MS);
  const runningAfterSettle = child.exitCode === null && child.signalCode === null;
  child.kill(signal);
  const [status] = await closed;
  return { status, stdout, stderr, runningAfterSettle };
}

describe('status --watch', () => {
  it('keeps watching the tunnel alone until SIGINT', async () => {
    const result = await watchThenInterrupt(['--no-probe']);

    expect(result.runningAfterSettle).toBe(true);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\S+Z Disconnected$/m);
    expect(result.stderr).not.toContain('Warning');
  });

  it('keeps watching without an enrolled organisation', async () => {
    const result = await watchThenInterrupt([]);

    expect(result.runningAfterSettle).toBe(true);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('Reachability not checked: no organisation is enrolled');
    expect(result.stderr).not.toContain('Warning');
  });

  it('stops on SIGTERM with exit status 0', async () => {
    const result = await watchThenInterrupt(['--no-probe'], 'SIGTERM');

    expect(result.runningAfterSettle).toBe(true);
    expect(result.status).toBe(0);
  });

  it('streams the missing organisation as a JSON line', async () => {
    const result = await watchThenInterrupt(['--json']);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

    expect(lines[0]).toEqual({ status: 'disconnected' });
    expect(lines[1]?.reachabilityNotChecked).toMatch(/^no organisation is enrolled in /);
  });
});

describe('status', () => {
  it('fails like probe on an --org that cannot be read', async () => {
    const missing = join(dataDir, 'missing.yaml');
    const status = await cli(['status', '--org', missing]);
    const probe = await cli(['probe', '--org', missing]);

    expect(status.status).toBe(1);
    expect(status.status).toBe(probe.status);
    expect(status.stderr).toBe(probe.stderr);
    expect(status.stderr).toContain(`Cannot read the organisation file ${missing}: file not found`);
  });

  it('prints the state and warns without an enrolled organisation', async () => {
    const result = await cli(['status']);

    expect(result.status).toBe(0);
    expect(result.stdout).toBe('Disconnected\n');
    expect(result.stderr).toBe(
      `Reachability not checked: no organisation is enrolled in ${dataDir} yet; pass --org FILE to check its networks.\n`,
    );
  });

  it('warns when several organisations are enrolled', async () => {
    await mkdir(join(dataDir, 'organisations'));
    await writeFile(join(dataDir, 'organisations', 'alpha.json'), '{}');
    await writeFile(join(dataDir, 'organisations', 'beta.json'), '{}');

    const result = await cli(['status']);

    expect(result.status).toBe(0);
    expect(result.stdout).toBe('Disconnected\n');
    expect(result.stderr).toMatch(
      /^Reachability not checked: \S+ contains several organisations \((alpha, beta|beta, alpha)\); pass --org FILE to pick the one whose networks to check\.\n$/,
    );
  });

  it('fails on a damaged copy of the enrolled organisation', async () => {
    await mkdir(join(dataDir, 'organisations'));
    await writeFile(join(dataDir, 'organisations', 'alpha.json'), '{"schemaVersion": 1}');

    const result = await cli(['status']);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('alpha.json');
  });

  it('puts the reason reachability was not checked in its JSON', async () => {
    const result = await cli(['status', '--json']);
    const output = JSON.parse(result.stdout) as Record<string, unknown>;

    expect(result.status).toBe(0);
    expect(output).toEqual({
      state: { status: 'disconnected' },
      reachabilityNotChecked: `no organisation is enrolled in ${dataDir} yet; pass --org FILE to check its networks.`,
    });
  });

  it('skips the organisation with --no-probe', async () => {
    const result = await cli(['status', '--no-probe', '--json']);

    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ state: { status: 'disconnected' } });
    expect(result.stderr).toBe('');
  });
});
