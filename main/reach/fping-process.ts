import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { isIP } from 'node:net';
import { createInterface } from 'node:readline';

import { parseFpingSummary, type IcmpResult } from './icmp-probe.ts';

// Time fping may take beyond the probe timeout: 1 ms per request (-i 1) plus start and exit.
const EXTRA_WAIT_MS = 1_000;

interface PendingPing {
  addresses: string[];
  waiting: Set<string>;
  parsed: Map<string, IcmpResult>;
  resolve: (results: Map<string, IcmpResult>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Keeps one `xargs` running that starts `fping -c1 -q` for each line it reads, so a probe round
 * costs this process a pipe write instead of a process start (about 4 ms of CPU in Node). xargs
 * is small, so its own starts of fping are cheap. A round is complete when fping has printed a
 * summary line for every address. A helper that exits or stalls is replaced on the next round.
 */
export class FpingProcess {
  private child: ChildProcessWithoutNullStreams | undefined;
  private pending: PendingPing | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** @param fpingPath the fping executable, e.g. /usr/bin/fping */
  constructor(private readonly fpingPath: string) {}

  /** Sends one echo request to each address; rounds are serialised. */
  readonly ping = (addresses: string[], timeoutMs: number): Promise<Map<string, IcmpResult>> => {
    const next = this.queue.then(() => this.round(addresses, timeoutMs));
    this.queue = next.catch(() => undefined);
    return next;
  };

  /** The PID of the running xargs, for CPU accounting. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  close(): void {
    const child = this.child;
    this.child = undefined;
    child?.stdin.end();
    this.fail(new Error('The fping helper was closed.'));
  }

  private round(addresses: string[], timeoutMs: number): Promise<Map<string, IcmpResult>> {
    // Only IP addresses reach the command line, so xargs never receives quotes or other syntax.
    const unique = [...new Set(addresses)].filter((address) => isIP(address) !== 0);
    if (unique.length === 0) return Promise.resolve(new Map<string, IcmpResult>());
    const child = this.child ?? this.start();
    const milliseconds = Math.max(1, Math.round(timeoutMs));

    return new Promise<Map<string, IcmpResult>>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          // fping printed no summary for some address, so return what it printed and start anew.
          const pending = this.pending;
          this.pending = undefined;
          this.child?.kill('SIGKILL');
          this.child = undefined;
          if (pending !== undefined) resolve(this.results(unique, pending.parsed));
        },
        milliseconds + unique.length + EXTRA_WAIT_MS,
      );
      this.pending = {
        addresses: unique,
        waiting: new Set(unique),
        parsed: new Map(),
        resolve,
        reject,
        timer,
      };
      child.stdin.write(`-t ${milliseconds} ${unique.join(' ')}\n`);
    });
  }

  private results(addresses: string[], parsed: Map<string, IcmpResult>): Map<string, IcmpResult> {
    const results = new Map<string, IcmpResult>();
    for (const address of addresses) {
      results.set(
        address,
        parsed.get(address) ?? { ok: false, reason: 'error', message: 'fping printed no result' },
      );
    }
    return results;
  }

  private start(): ChildProcessWithoutNullStreams {
    // -L 1 runs fping once per input line, after the line arrives.
    const child = spawn('xargs', ['-L', '1', '--', this.fpingPath, '-c1', '-q', '-i', '1'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;

    child.stdout.resume();
    createInterface({ input: child.stderr }).on('line', (line) => this.onLine(line));
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => this.onExit(child, error));
    child.on('exit', (code) => this.onExit(child, new Error(`xargs exited with status ${code}`)));
    return child;
  }

  private onLine(line: string): void {
    const pending = this.pending;
    if (pending === undefined) return;

    for (const [address, result] of parseFpingSummary(line)) {
      pending.parsed.set(address, result);
      pending.waiting.delete(address);
    }
    if (pending.waiting.size > 0) return;

    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(this.results(pending.addresses, pending.parsed));
  }

  private onExit(child: ChildProcessWithoutNullStreams, error: Error): void {
    if (this.child === child) this.child = undefined;
    this.fail(error);
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    pending.reject(error);
  }
}
