import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

import { parseRouteLines, type KernelRoute, type RouteSource } from './route-lookup.ts';

// `ip route get 0.0.0.0` always returns a local route, so its line marks the end of a batch. A
// probe target of 0.0.0.0 is left out of the lookup, so it gets no route and is never probed.
const SENTINEL = '0.0.0.0';
const LOOKUP_TIMEOUT_MS = 3_000;

interface PendingBatch {
  routes: Map<string, KernelRoute>;
  resolve: (routes: Map<string, KernelRoute>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Keeps one `ip -j -force -batch -` running and feeds it a `route get` per address, so a probe
 * round costs no process start for its route lookups. iproute2 6.1 flushes its output after each
 * command, and prints nothing on stdout for an address without a route, so every batch ends with
 * a sentinel lookup. A process that exits or stalls is replaced on the next lookup.
 */
export class RouteLookupProcess {
  private child: ChildProcessWithoutNullStreams | undefined;
  private pending: PendingBatch | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** @param command the command that starts ip, e.g. `['ip']` or `['ip', 'netns', 'exec', NS, 'ip']` */
  constructor(private readonly command: string[] = ['ip']) {}

  /** The route source for `runProbeRound`; lookups are serialised. */
  readonly source: RouteSource = (addresses) => {
    const next = this.queue.then(() => this.lookup(addresses));
    this.queue = next.catch(() => undefined);
    return next;
  };

  /** The PID of the running ip process, for CPU accounting. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  close(): void {
    const child = this.child;
    this.child = undefined;
    child?.stdin.end();
    this.fail(new Error('The route lookup process was closed.'));
  }

  private lookup(addresses: string[]): Promise<Map<string, KernelRoute>> {
    const child = this.child ?? this.start();
    const lookups = addresses.filter((address) => address !== SENTINEL);

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          new Error(
            `Route lookup timed out: ip returned nothing for ${lookups.length} addresses within ${LOOKUP_TIMEOUT_MS} ms`,
          ),
        );
        this.child?.kill('SIGKILL');
        this.child = undefined;
      }, LOOKUP_TIMEOUT_MS);
      this.pending = { routes: new Map(), resolve, reject, timer };
      child.stdin.write([...lookups, SENTINEL].map((address) => `route get ${address}\n`).join(''));
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    const [command, ...args] = this.command;
    const child = spawn(command ?? 'ip', [...args, '-j', '-force', '-batch', '-'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;

    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    // Errors for addresses without a route go to stderr and need no handling.
    child.stderr.resume();
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => this.onExit(child, error));
    child.on('exit', (code) => this.onExit(child, new Error(`ip exited with status ${code}`)));
    return child;
  }

  private onLine(line: string): void {
    const pending = this.pending;
    if (pending === undefined) return;

    const routes = parseRouteLines(line);
    if (routes.has(SENTINEL)) {
      this.pending = undefined;
      clearTimeout(pending.timer);
      pending.resolve(pending.routes);
      return;
    }
    for (const [address, route] of routes) pending.routes.set(address, route);
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
