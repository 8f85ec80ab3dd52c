import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

import type { Logger } from '../log/logger.ts';
import type { ConnectionErrorKind } from './connection-state.ts';
import { ManagementClient } from './management-client.ts';
import { removeProcessRecord, writeProcessRecord, type ProcessRecord } from './process-record.ts';

/** The input of one launcher call. */
export interface OpenvpnLaunchRequest {
  /** The openvpn executable. */
  openvpnPath: string;
  /**
   * openvpn's own arguments: `--config PROFILE --management SOCKET unix --management-hold`,
   * then the driver's extra arguments.
   */
  args: string[];
  /** The profile, as in `args`. */
  profilePath: string;
  /** The management socket, as in `args`. */
  socketPath: string;
  /** The driver's extra openvpn options, the tail of `args`. */
  extraArguments: string[];
  /** The driver's command prefix, such as `['ip', 'netns', 'exec', 'lab-client']`, or []. */
  commandPrefix: string[];
  /**
   * File descriptor of openvpn's log file, opened for writing, for its standard output and
   * error. The driver closes it as soon as the launcher returns.
   */
  logFd: number;
  logPath: string;
}

/** A launcher's reading of its child's exit before openvpn opened its management interface. */
export interface LaunchFailure {
  kind: ConnectionErrorKind;
  message: string;
}

/** Raised when openvpn did not start, with the error kind the driver reports. */
export class OpenvpnLaunchError extends Error {
  override name = 'OpenvpnLaunchError';

  constructor(
    message: string,
    readonly kind: ConnectionErrorKind,
  ) {
    super(message);
  }
}

/**
 * Starts openvpn for the driver and returns the spawned child at once, without waiting for
 * openvpn. The child must run detached from the app (its own process group or session) with
 * standard input ignored and standard output and error on `logFd`, so openvpn outlives the app.
 * It may be a wrapper such as pkexec, because the driver takes openvpn's PID from the management
 * interface. The driver watches the child's 'error' and 'exit' events to report a failed start,
 * unrefs it, and sends it SIGKILL when openvpn never opens its management interface. A launcher
 * that cannot honour `commandPrefix` should raise rather than ignore it. Raising reports the
 * connect as failed.
 */
export interface OpenvpnLauncher {
  (request: OpenvpnLaunchRequest): ChildProcess;
  /**
   * Milliseconds openvpn may take to open its management interface when this launcher starts
   * it, for a launcher that first asks for a password. The driver waits for the longer of this
   * and its connect timeout.
   */
  attachTimeoutMs?: number;
  /**
   * The management socket the launched openvpn opens, for a launcher whose privileged side
   * picks it. The driver then creates no socket folder of its own and never removes this one.
   */
  managementSocketPath?: string;
  /** Explains an exit code of the child, such as pkexec's 126 for a cancelled prompt. */
  explainExit?: (code: number | null) => LaunchFailure | undefined;
}

/** Starts `commandPrefix`, then openvpn, as a detached child of this process. */
export const spawnOpenvpn: OpenvpnLauncher = (request) => {
  const [command, ...prefixArguments] = [...request.commandPrefix, request.openvpnPath];
  return spawn(command ?? request.openvpnPath, [...prefixArguments, ...request.args], {
    detached: true,
    stdio: ['ignore', request.logFd, request.logFd],
  });
};

export interface LaunchOptions {
  openvpnPath: string;
  profilePath: string;
  dataDir: string;
  recordPath: string;
  commandPrefix: string[];
  extraArguments: string[];
  launcher: OpenvpnLauncher;
  /** Milliseconds openvpn may take to open its management interface. */
  timeoutMs: number;
  log: Logger;
}

/** An openvpn waiting in its start-up hold, with the management connection to it. */
export interface LaunchedOpenvpn {
  record: ProcessRecord;
  client: ManagementClient;
}

const SYSTEM_FOLDERS = ['/usr/sbin', '/sbin'];
const SOCKET_WAIT_STEP_MS = 10;

/** Finds the openvpn executable on PATH, then in /usr/sbin and /sbin. */
export function locateOpenvpn(): string | undefined {
  const folders = [...(process.env.PATH ?? '').split(delimiter), ...SYSTEM_FOLDERS];
  for (const folder of folders.filter(Boolean)) {
    try {
      accessSync(join(folder, 'openvpn'), constants.X_OK);
      return join(folder, 'openvpn');
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/**
 * Starts openvpn with `--management-hold` and its management interface on a unix socket in a
 * new 0700 directory (or at the launcher's `managementSocketPath`), writes the process record and connects to the socket. openvpn runs in its
 * own process group and writes its own log file, so it keeps running when the app exits. On
 * failure the process gets SIGKILL and the directory and record are removed; the log stays.
 */
export async function launchOpenvpn(options: LaunchOptions): Promise<LaunchedOpenvpn> {
  const fixedSocketPath = options.launcher.managementSocketPath;
  const ownsSocketDirectory = fixedSocketPath === undefined;
  const socketDirectory = ownsSocketDirectory
    ? await mkdtemp(join(tmpdir(), 'vpn-onboard-'))
    : dirname(fixedSocketPath);
  const socketPath = fixedSocketPath ?? join(socketDirectory, 'management.sock');
  const removeSocketDirectory = async () => {
    if (ownsSocketDirectory) await rm(socketDirectory, { recursive: true, force: true });
  };
  const logDirectory = join(options.dataDir, 'logs');
  await mkdir(logDirectory, { recursive: true, mode: 0o700 });
  const logPath = join(logDirectory, 'openvpn.log');

  const args = [
    '--config',
    options.profilePath,
    '--management',
    socketPath,
    'unix',
    '--management-hold',
    ...options.extraArguments,
  ];

  const logFd = openSync(logPath, 'w', 0o600);
  let child: ChildProcess;
  try {
    child = options.launcher({
      openvpnPath: options.openvpnPath,
      args,
      profilePath: options.profilePath,
      socketPath,
      extraArguments: options.extraArguments,
      commandPrefix: options.commandPrefix,
      logFd,
      logPath,
    });
  } catch (error) {
    await removeSocketDirectory();
    throw new Error(`Failed to start openvpn: ${(error as Error).message}`, { cause: error });
  } finally {
    closeSync(logFd);
  }
  child.unref();

  let exitMessage: string | undefined;
  let exitFailure: LaunchFailure | undefined;
  child.once('error', (error) => (exitMessage = `failed to start: ${error.message}`));
  child.once('exit', (code, signal) => {
    exitMessage = `exited with ${signal ?? `code ${code}`}`;
    exitFailure = options.launcher.explainExit?.(code);
  });

  const record: ProcessRecord = {
    version: 1,
    pid: child.pid ?? 0,
    socketPath,
    socketDirectory,
    ownsSocketDirectory,
    profilePath: options.profilePath,
    logPath,
    startedAt: new Date().toISOString(),
  };

  try {
    if (child.pid === undefined) {
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error(`${options.openvpnPath} ${exitMessage ?? 'did not start'}; see ${logPath}.`);
    }
    await writeProcessRecord(options.recordPath, record);
    options.log.info('Started openvpn', { pid: child.pid, profile: options.profilePath });

    const exited = () => {
      if (exitFailure !== undefined)
        throw new OpenvpnLaunchError(exitFailure.message, exitFailure.kind);
      return exitMessage;
    };
    const client = await connectWhenReady(socketPath, options, exited, logPath);

    // The spawned PID belongs to the prefix command when it forks, so ask openvpn itself.
    record.pid = await client.pid();
    await writeProcessRecord(options.recordPath, record);
    return { record, client };
  } catch (error) {
    // kill() returns false when the signal failed, e.g. with EPERM for a child that became root.
    const stuck = exitMessage === undefined && child.pid !== undefined && !child.kill('SIGKILL');
    await removeSocketDirectory();
    await removeProcessRecord(options.recordPath);
    if (!stuck) throw error;

    throw new Error(
      `${(error as Error).message} Its launcher (PID ${child.pid}) runs as another user and ` +
        `did not stop; stop it with "sudo kill ${child.pid}" before you connect again.`,
      { cause: error },
    );
  }
}

async function connectWhenReady(
  socketPath: string,
  options: LaunchOptions,
  exitMessage: () => string | undefined,
  logPath: string,
): Promise<ManagementClient> {
  const deadline = Date.now() + options.timeoutMs;

  while (Date.now() < deadline) {
    const exited = exitMessage();
    if (exited !== undefined) {
      throw new Error(
        `openvpn ${exited} before it opened its management interface: ${await lastLogLines(logPath)}`,
      );
    }
    try {
      return await ManagementClient.connect(socketPath, { log: options.log });
    } catch {
      await new Promise((resolve) => setTimeout(resolve, SOCKET_WAIT_STEP_MS));
    }
  }
  throw new Error(
    `openvpn did not open its management interface at ${socketPath} within ` +
      `${options.timeoutMs} ms; see ${logPath}.`,
  );
}

async function lastLogLines(logPath: string): Promise<string> {
  try {
    const lines = (await readFile(logPath, 'utf8')).trim().split('\n');
    return lines.slice(-3).join(' | ') || 'its log is empty';
  } catch {
    return `its log ${logPath} is unreadable`;
  }
}
