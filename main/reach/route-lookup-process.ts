import { LineProcess } from './line-process.ts';
import { parseRouteLines, type KernelRoute, type RouteSource } from './route-lookup.ts';

// `ip route get 0.0.0.0` always returns a local route, so its line marks the end of a batch. A
// probe target of 0.0.0.0 is left out of the lookup, so it gets no route and is never probed.
const SENTINEL = '0.0.0.0';
const LOOKUP_TIMEOUT_MS = 3_000;

/**
 * Keeps one `ip -j -force -batch -` running and feeds it a `route get` per address, so a probe
 * round costs no process start for its route lookups. iproute2 6.1 flushes its output after each
 * command, and prints nothing on stdout for an address without a route, so every batch ends with
 * a sentinel lookup. A process that exits or stalls is replaced on the next lookup.
 */
export class RouteLookupProcess {
  private readonly process: LineProcess;

  /** @param command the command that starts ip, e.g. `['ip']` or `['ip', 'netns', 'exec', NS, 'ip']` */
  constructor(command: string[] = ['ip']) {
    const [program, ...args] = command;
    this.process = new LineProcess({
      command: program ?? 'ip',
      args: [...args, '-j', '-force', '-batch', '-'],
      // Errors for addresses without a route go to stderr and need no handling.
      lineStream: 'stdout',
      name: 'ip',
    });
  }

  /** The route source for `runProbeRound`; lookups are serialised. */
  readonly source: RouteSource = (addresses) => {
    const lookups = addresses.filter((address) => address !== SENTINEL);
    const routes = new Map<string, KernelRoute>();

    return this.process.run({
      input: [...lookups, SENTINEL].map((address) => `route get ${address}\n`).join(''),
      timeoutMs: LOOKUP_TIMEOUT_MS,
      readLine: (line) => {
        const parsed = parseRouteLines(line);
        if (parsed.has(SENTINEL)) return true;
        for (const [address, route] of parsed) routes.set(address, route);
        return false;
      },
      finish: () => routes,
      stalled: () => {
        throw new Error(
          `Route lookup timed out: ip returned nothing for ${lookups.length} addresses within ${LOOKUP_TIMEOUT_MS} ms`,
        );
      },
    });
  };

  /** The PID of the running ip process, for CPU accounting. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  close(): void {
    this.process.close(new Error('The route lookup process was closed.'));
  }
}
