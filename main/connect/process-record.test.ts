import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  isRecordedOpenvpn,
  processRecordPath,
  readProcessRecord,
  removeProcessRecord,
  waitForExit,
  writeProcessRecord,
  type ProcessRecord,
} from './process-record.ts';

let directory: string;
let child: ChildProcess | undefined;

function record(pid: number, socketPath: string): ProcessRecord {
  return {
    version: 1,
    pid,
    socketPath,
    socketDirectory: directory,
    ownsSocketDirectory: true,
    profilePath: join(directory, 'lab.ovpn'),
    logPath: join(directory, 'openvpn.log'),
    startedAt: '2026-12-04T13:00:00.000Z',
  };
}

/** Starts a process whose command line names `socketPath`, the way openvpn's does. */
async function startStandIn(socketPath: string): Promise<ChildProcess> {
  const standIn = spawn(
    process.execPath,
    ['-e', 'setTimeout(() => {}, 60_000)', '--', socketPath],
    { stdio: 'ignore' },
  );
  // 'spawn' fires once the new program runs, so /proc shows its command line.
  await once(standIn, 'spawn');
  return standIn;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-record-'));
});

afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('process record', () => {
  it('reads back what it wrote', async () => {
    const path = processRecordPath(join(directory, 'data'));
    await writeProcessRecord(path, record(4242, '/tmp/x/management.sock'));

    expect(await readProcessRecord(path)).toEqual(record(4242, '/tmp/x/management.sock'));
  });

  it('reads an older record as owning its socket folder', async () => {
    const path = join(directory, 'older.json');
    const older: Partial<ProcessRecord> = record(4242, '/tmp/x/management.sock');
    delete older.ownsSocketDirectory;
    await writeFile(path, JSON.stringify(older));

    expect((await readProcessRecord(path))?.ownsSocketDirectory).toBe(true);
  });

  it('writes the record with mode 0600', async () => {
    const path = processRecordPath(join(directory, 'mode'));
    await writeProcessRecord(path, record(4242, '/tmp/x/management.sock'));

    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('returns nothing for a missing record', async () => {
    expect(await readProcessRecord(join(directory, 'missing.json'))).toBeUndefined();
  });

  it('returns nothing for a malformed record', async () => {
    const path = join(directory, 'malformed.json');
    await writeFile(path, '{"version": 1, "pid": "x"');

    expect(await readProcessRecord(path)).toBeUndefined();
  });

  it('removes the record', async () => {
    const path = processRecordPath(join(directory, 'removed'));
    await writeProcessRecord(path, record(4242, '/tmp/x/management.sock'));
    await removeProcessRecord(path);

    expect(await readProcessRecord(path)).toBeUndefined();
  });

  it('recognises the recorded process by its socket', async () => {
    const socketPath = join(directory, 'management.sock');
    child = await startStandIn(socketPath);

    expect(isRecordedOpenvpn(record(child.pid ?? 0, socketPath))).toBe(true);
  });

  it('ignores a reused PID with another command line', async () => {
    child = await startStandIn(join(directory, 'other.sock'));

    expect(isRecordedOpenvpn(record(child.pid ?? 0, join(directory, 'management.sock')))).toBe(
      false,
    );
  });

  it('treats a finished process as gone', async () => {
    const socketPath = join(directory, 'management.sock');
    const finished = await startStandIn(socketPath);
    const pid = finished.pid ?? 0;
    finished.kill('SIGKILL');

    expect(await waitForExit(pid, 2_000)).toBe(true);
    expect(isRecordedOpenvpn(record(pid, socketPath))).toBe(false);
  });

  it('reports a process still running after the timeout', async () => {
    child = await startStandIn(join(directory, 'management.sock'));

    expect(await waitForExit(child.pid ?? 0, 50)).toBe(false);
  });
});
