import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { z } from 'zod';

const recordSchema = z.object({
  version: z.literal(1),
  pid: z.number().int().positive(),
  socketPath: z.string(),
  socketDirectory: z.string(),
  /**
   * False when a privileged launcher picked the socket folder, which the app then leaves in
   * place; records written before this field existed are true.
   */
  ownsSocketDirectory: z.boolean().default(true),
  profilePath: z.string(),
  logPath: z.string(),
  startedAt: z.string(),
});

/**
 * Record of a running openvpn, so the app can find it again after a restart or crash: the
 * process, its management socket and its log file.
 */
export type ProcessRecord = z.infer<typeof recordSchema>;

/** Returns where the record of the running openvpn is kept in a data directory. */
export function processRecordPath(dataDir: string): string {
  return join(dataDir, 'connection', 'openvpn-process.json');
}

/** Writes the record atomically with mode 0600, so a crash leaves the old or the new one. */
export async function writeProcessRecord(path: string, record: ProcessRecord): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });

  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(record, null, 2) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

/** Reads the record, or returns undefined when there is none or it is unreadable. */
export async function readProcessRecord(path: string): Promise<ProcessRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }

  try {
    return recordSchema.parse(JSON.parse(text));
  } catch {
    // A record from another version or a torn disk is of no use; the caller starts clean.
    return undefined;
  }
}

export async function removeProcessRecord(path: string): Promise<void> {
  await rm(path, { force: true });
}

/**
 * Tells whether `pid` is still the openvpn of this record. On Linux the command line must
 * name the record's management socket, so a PID reused by another program is never signalled.
 */
export function isRecordedOpenvpn(record: Pick<ProcessRecord, 'pid' | 'socketPath'>): boolean {
  if (!isAlive(record.pid)) return false;
  if (process.platform !== 'linux') return true;

  try {
    const commandLine = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0');
    return commandLine.includes(record.socketPath);
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until the process is gone; returns false when it is still there after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid) || isZombie(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return !isAlive(pid);
}

// kill(pid, 0) still succeeds for a child that exited but was not yet reaped by Node.
function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const status = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return status.slice(status.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
