import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

import { mapWithLimit } from './concurrency.ts';
import type { CommandRunner } from './route-lookup.ts';

/** The outcome of one ICMP echo request. */
export type IcmpResult =
  { ok: true; latencyMs: number } | { ok: false; reason: 'timeout' | 'error'; message: string };

/** The program that sends echo requests: raw sockets need privileges, so a setuid tool does. */
export type IcmpTool = { kind: 'fping' | 'ping'; path: string };

const SYSTEM_FOLDERS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];
// fping -c1 -q prints one summary line per host on stderr, e.g.
// "192.168.100.10 : xmt/rcv/%loss = 1/1/0%, min/avg/max = 0.031/0.031/0.031".
const FPING_SUMMARY =
  /^(\S+)\s+:\s+xmt\/rcv\/%loss = (\d+)\/(\d+)\/\d+%(?:.*min\/avg\/max = [\d.]+\/([\d.]+)\/)?/;
// iputils ping: "64 bytes from 192.168.100.10: icmp_seq=1 ttl=63 time=0.412 ms".
const PING_TIME = /time[=<]([\d.]+) ?ms/;
const EXTRA_WAIT_MS = 1_000;

/** Finds fping, else ping, on PATH or in the system folders; undefined when neither exists. */
export function findIcmpTool(): IcmpTool | undefined {
  const folders = [...(process.env.PATH ?? '').split(delimiter), ...SYSTEM_FOLDERS];
  for (const kind of ['fping', 'ping'] as const) {
    for (const folder of folders) {
      if (folder === '') continue;
      const path = join(folder, kind);
      try {
        accessSync(path, constants.X_OK);
        return { kind, path };
      } catch {
        // Not in this folder.
      }
    }
  }
  return undefined;
}

/** Parses fping's `-c1 -q` summary lines into a result per address. */
export function parseFpingSummary(stderr: string): Map<string, IcmpResult> {
  const results = new Map<string, IcmpResult>();
  for (const line of stderr.split('\n')) {
    const match = FPING_SUMMARY.exec(line.trim());
    if (match === null) continue;

    const [, address, , received, average] = match;
    if (address === undefined) continue;
    if (received !== '0' && average !== undefined) {
      results.set(address, { ok: true, latencyMs: Number(average) });
    } else {
      results.set(address, { ok: false, reason: 'timeout', message: 'no echo reply' });
    }
  }
  return results;
}

/** Parses the output of one `ping -c1`; exit status 1 means no reply, 2 an error. */
export function parsePingOutput(stdout: string, stderr: string, exitCode: number): IcmpResult {
  const match = PING_TIME.exec(stdout);
  if (exitCode === 0 && match?.[1] !== undefined) return { ok: true, latencyMs: Number(match[1]) };
  if (exitCode === 1) return { ok: false, reason: 'timeout', message: 'no echo reply' };

  const message = stderr.trim().split('\n').at(-1) || `ping exited with status ${exitCode}`;
  return { ok: false, reason: 'error', message };
}

/**
 * Sends one echo request to each address and waits up to `timeoutMs` for the replies. With
 * fping, all addresses share one process. With ping, each gets its own, at most `concurrency` at
 * once. The caller must check the route of every address first.
 */
export async function pingHosts(
  addresses: string[],
  timeoutMs: number,
  tool: IcmpTool,
  run: CommandRunner,
  concurrency = 16,
): Promise<Map<string, IcmpResult>> {
  const unique = [...new Set(addresses)];
  if (unique.length === 0) return new Map();

  // Each call starts fping from Node, which costs about 4 ms of CPU; rounds on a schedule use
  // FpingProcess instead.
  if (tool.kind === 'fping') {
    // -i 1 spaces the requests 1 ms apart instead of fping 5.1's default of 10 ms.
    const { stderr, exitCode } = await run(
      tool.path,
      ['-c1', '-q', '-i', '1', '-t', String(Math.max(1, Math.round(timeoutMs))), ...unique],
      { timeoutMs: timeoutMs + unique.length + EXTRA_WAIT_MS },
    );
    const parsed = parseFpingSummary(stderr);
    const results = new Map<string, IcmpResult>();
    for (const address of unique) {
      const message = stderr.trim().split('\n').at(-1) || `fping exited with status ${exitCode}`;
      results.set(address, parsed.get(address) ?? { ok: false, reason: 'error', message });
    }
    return results;
  }

  const seconds = (Math.max(1, timeoutMs) / 1000).toFixed(3);
  const entries = await mapWithLimit(unique, concurrency, async (address) => {
    const { stdout, stderr, exitCode } = await run(
      tool.path,
      ['-n', '-c1', '-W', seconds, address],
      { timeoutMs: timeoutMs + EXTRA_WAIT_MS },
    );
    return [address, parsePingOutput(stdout, stderr, exitCode)] as const;
  });
  return new Map(entries);
}
