import { spawn } from 'node:child_process';

/** The nmcli command the driver runs and the environment it runs in. */
export interface NmcliOptions {
  /**
   * The command that stands for `nmcli`, e.g. `['nmcli']` (the default) or
   * `[process.execPath, 'fake-nmcli.ts']` in tests.
   */
  command?: string[];
  /**
   * Variables added to this process's environment, e.g. DBUS_SYSTEM_BUS_ADDRESS for a private
   * system bus in the test lab. LC_ALL is always C, so the messages match in any locale.
   */
  env?: Record<string, string>;
  /** Milliseconds one nmcli call may take before it is killed; default 30 000. */
  timeoutMs?: number;
}

/** The output and exit code of one nmcli call. */
export interface NmcliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * nmcli's documented exit codes (nmcli(1), NetworkManager 1.42), for the cases the driver
 * handles on their own.
 */
export const NMCLI_EXIT = {
  success: 0,
  timeout: 3,
  activationFailed: 4,
  notRunning: 8,
  notFound: 10,
} as const;

/** Raised when nmcli exits with a code other than 0, cannot start, or times out. */
export class NmcliError extends Error {
  override name = 'NmcliError';

  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | undefined,
    /** nmcli's error text without its "Error: " prefix, or why it did not run. */
    readonly detail: string,
  ) {
    super(
      `nmcli ${args.join(' ')} failed${exitCode === undefined ? '' : ` (exit code ${exitCode})`}: ${detail}`,
    );
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Runs nmcli with the options' command and environment. */
export class NmcliRunner {
  constructor(private readonly options: NmcliOptions = {}) {}

  /** Runs nmcli and returns its output; raises NmcliError on a non-zero exit code. */
  async run(args: readonly string[], timeoutMs?: number): Promise<NmcliResult> {
    return checkExit(args, await this.call(args, timeoutMs));
  }

  /** Runs nmcli and returns its output and exit code whatever the code is. */
  call(args: readonly string[], timeoutMs?: number): Promise<NmcliResult> {
    const [command = 'nmcli', ...prefix] = this.options.command ?? ['nmcli'];
    const limitMs = timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

    return new Promise((resolve, reject) => {
      // stdin is /dev/null and --ask is never passed, so nmcli does not prompt for a password.
      const child = spawn(command, [...prefix, ...args], {
        env: { ...process.env, ...this.options.env, LC_ALL: 'C' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new NmcliError(args, undefined, `timed out after ${limitMs} ms`));
      }, limitMs);

      child.once('error', (error) => {
        clearTimeout(timer);
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new NmcliError(
            args,
            undefined,
            missing
              ? `${command} is not installed; install NetworkManager (Debian and Ubuntu: apt install network-manager)`
              : error.message,
          ),
        );
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        resolve({
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          exitCode: code ?? (signal === null ? 1 : 128),
        });
      });
    });
  }
}

/** Returns the result when nmcli exited with 0; raises NmcliError otherwise. */
export function checkExit(args: readonly string[], result: NmcliResult): NmcliResult {
  if (result.exitCode === NMCLI_EXIT.success) return result;
  throw new NmcliError(args, result.exitCode, errorText(result));
}

/** Returns nmcli's error message without the "Error: " prefix and the journalctl hint. */
export function errorText(result: NmcliResult): string {
  const lines = result.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('Hint:'));
  const text = lines.join(' ').replace(/^Error:\s*/, '');
  return text === '' ? `no message (exit code ${result.exitCode})` : text;
}
