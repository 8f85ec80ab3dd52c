import { isIP } from 'node:net';

import { parseFpingSummary, type IcmpResult } from './icmp-probe.ts';
import { LineProcess } from './line-process.ts';

// Time fping may take beyond the probe timeout: 1 ms per request (-i 1) plus start and exit.
const EXTRA_WAIT_MS = 1_000;

/**
 * Keeps one `xargs` running that starts `fping -c1 -q` for each line it reads, so a probe round
 * costs this process a pipe write instead of a process start (about 4 ms of CPU in Node). xargs
 * is small, so its own starts of fping are cheap. A round is complete when fping has printed a
 * summary line for every address. A helper that exits or stalls is replaced on the next round.
 */
export class FpingProcess {
  private readonly process: LineProcess;

  /** @param fpingPath the fping executable, e.g. /usr/bin/fping */
  constructor(fpingPath: string) {
    this.process = new LineProcess({
      // -L 1 runs fping once per input line, after the line arrives.
      command: 'xargs',
      args: ['-L', '1', '--', fpingPath, '-c1', '-q', '-i', '1'],
      // fping -q prints its summary lines on stderr.
      lineStream: 'stderr',
      name: 'xargs',
    });
  }

  /** Sends one echo request to each address; rounds are serialised. */
  readonly ping = (addresses: string[], timeoutMs: number): Promise<Map<string, IcmpResult>> => {
    // Only IP addresses reach the command line, so xargs never receives quotes or other syntax.
    const unique = [...new Set(addresses)].filter((address) => isIP(address) !== 0);
    if (unique.length === 0) return Promise.resolve(new Map<string, IcmpResult>());
    const milliseconds = Math.max(1, Math.round(timeoutMs));
    const waiting = new Set(unique);
    const parsed = new Map<string, IcmpResult>();

    return this.process.run({
      input: `-t ${milliseconds} ${unique.join(' ')}\n`,
      timeoutMs: milliseconds + unique.length + EXTRA_WAIT_MS,
      readLine: (line) => {
        for (const [address, result] of parseFpingSummary(line)) {
          parsed.set(address, result);
          waiting.delete(address);
        }
        return waiting.size === 0;
      },
      finish: () => this.results(unique, parsed),
      // fping printed no summary for some address, so return what it printed. The helper is
      // replaced before the next round.
      stalled: () => this.results(unique, parsed),
    });
  };

  /** The PID of the running xargs, for CPU accounting. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  close(): void {
    this.process.close(new Error('The fping helper was closed.'));
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
}
