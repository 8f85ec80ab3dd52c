// Benchmarks the reachability prober against fping on the same targets in the same run. It
// measures the CPU per round of 100 loopback targets. As root, it also measures the time from a
// network going down to the prober's change event and to fping's first "timed out" line, in two
// network namespaces that it creates and removes. It writes the "## Reachability prober" section
// of docs/benchmarks.md.
// Usage: npx tsx scripts/bench-reach.ts [--rounds N] [--trials N] [--interval-ms MS]
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

import { FpingProcess } from '../main/reach/fping-process.ts';
import { findIcmpTool, type IcmpTool } from '../main/reach/icmp-probe.ts';
import { judgeRound } from '../main/reach/judgement.ts';
import { DEFAULT_PROBE_TIMEOUT_MS, runProbeRound } from '../main/reach/prober.ts';
import { DEFAULT_INTERVAL_MS, ReachabilityMonitor } from '../main/reach/reachability-monitor.ts';
import { DEFAULT_ROUTE_CACHE_MAX_AGE_MS, RouteCache } from '../main/reach/route-cache.ts';
import { RouteLookupProcess } from '../main/reach/route-lookup-process.ts';
import { runCommand, type CommandRunner } from '../main/reach/route-lookup.ts';
import { replaceSection } from './benchmark-page.ts';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '60' },
    trials: { type: 'string', default: '3' },
    'interval-ms': { type: 'string', default: String(DEFAULT_INTERVAL_MS) },
  },
});
const ROUNDS = Number(flags.rounds);
const TRIALS = Number(flags.trials);
const INTERVAL_MS = Number(flags['interval-ms']);
const TARGET_COUNT = 100;
const CLOCK_TICKS_PER_SECOND = 100;
const PROBER_NAMESPACE = 'rch-bench';
const PEER_NAMESPACE = 'rch-benchp';
const DETECTION_TARGETS = Array.from({ length: 10 }, (_, index) => `198.18.60.${index + 2}`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** CPU milliseconds of this process's reaped children, from /proc/self/stat (cutime + cstime). */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // The fields after the command name start at field 3 (state); cutime and cstime are 16 and 17.
  const ticks = Number(fields[13]) + Number(fields[14]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * CPU milliseconds a running process and its reaped children have used so far, from
 * /proc/PID/stat (utime, stime, cutime and cstime).
 */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Runs `task` and returns the CPU it cost this process and its children, in milliseconds. */
async function cpuOf(task: () => Promise<unknown>, includeOwn: boolean): Promise<number> {
  const own = ownCpuMs();
  const children = childrenCpuMs();
  await task();
  return (includeOwn ? ownCpuMs() - own : 0) + childrenCpuMs() - children;
}

async function benchCpu(fping: IcmpTool) {
  const targets = Array.from({ length: TARGET_COUNT }, (_, index) => `127.0.1.${index + 1}`);
  const networks = [{ id: 'loopback', probes: targets.map((host) => ({ host })) }];
  const proberMs: number[] = [];
  const persistentMs: number[] = [];
  const fpingMs: number[] = [];
  const routeLookups = new RouteLookupProcess();
  // The rounds run back to back, so the cache reads a clock that advances one interval a round,
  // and routes are looked up again as often as on the real schedule.
  let scheduleMs = 0;
  const routeCache = new RouteCache({ lookup: routeLookups.source, now: () => scheduleMs });
  const tunnel = { up: true, detail: 'bench' };
  const helper = new FpingProcess(fping.path);
  await routeLookups.source(['127.0.0.1']);
  await helper.ping(['127.0.0.1'], DEFAULT_PROBE_TIMEOUT_MS);
  const parts = { nodeMs: 0, ipMs: 0, xargsMs: 0 };

  // Alternate the three so that load from other processes hits all alike.
  for (let round = 0; round < ROUNDS; round++) {
    scheduleMs += INTERVAL_MS;
    const ipBefore = processCpuMs(routeLookups.pid) + processCpuMs(routeCache.monitorPid);
    const xargsBefore = processCpuMs(helper.pid);
    const nodeMs = await cpuOf(
      () =>
        runProbeRound({
          networks,
          tunnel,
          icmpTool: fping,
          timeoutMs: DEFAULT_PROBE_TIMEOUT_MS,
          routeSource: (addresses) => routeCache.lookup(addresses, tunnel),
          pinger: helper.ping,
        }),
      true,
    );
    const ipMs = processCpuMs(routeLookups.pid) + processCpuMs(routeCache.monitorPid) - ipBefore;
    const xargsMs = processCpuMs(helper.pid) - xargsBefore;
    persistentMs.push(nodeMs + ipMs + xargsMs);
    // The split shows where the cost above fping's own goes: Node, the ip processes, or xargs.
    parts.nodeMs += nodeMs / ROUNDS;
    parts.ipMs += ipMs / ROUNDS;
    parts.xargsMs += xargsMs / ROUNDS;

    proberMs.push(
      await cpuOf(
        () =>
          runProbeRound({
            networks,
            tunnel: { up: true, detail: 'bench' },
            icmpTool: fping,
            timeoutMs: DEFAULT_PROBE_TIMEOUT_MS,
          }),
        true,
      ),
    );
    fpingMs.push(
      await cpuOf(
        () =>
          runCommand(
            fping.path,
            ['-c1', '-q', '-i', '1', '-t', String(DEFAULT_PROBE_TIMEOUT_MS), ...targets],
            { timeoutMs: 10_000 },
          ),
        false,
      ),
    );
  }

  routeCache.close();
  routeLookups.close();
  helper.close();
  const mean = (values: number[]) => values.reduce((total, value) => total + value, 0) / ROUNDS;
  return {
    proberMs: mean(persistentMs),
    oneShotMs: mean(proberMs),
    fpingMs: mean(fpingMs),
    parts,
  };
}

function ip(args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${result.stderr.trim()}`);
}

/** Creates two namespaces joined by a veth pair; the peer contains the detection targets. */
function createNamespaces(): void {
  removeNamespaces();
  ip(['netns', 'add', PROBER_NAMESPACE]);
  ip(['netns', 'add', PEER_NAMESPACE]);
  ip(['-n', PROBER_NAMESPACE, 'link', 'set', 'lo', 'up']);
  ip(['-n', PEER_NAMESPACE, 'link', 'set', 'lo', 'up']);
  // Created from inside a namespace, so no end ever appears in the host namespace.
  ip([
    '-n',
    PROBER_NAMESPACE,
    'link',
    'add',
    'up0',
    'type',
    'veth',
    'peer',
    'name',
    'up1',
    'netns',
    PEER_NAMESPACE,
  ]);
  ip(['-n', PROBER_NAMESPACE, 'addr', 'add', '198.18.60.1/24', 'dev', 'up0']);
  for (const address of DETECTION_TARGETS) {
    ip(['-n', PEER_NAMESPACE, 'addr', 'add', `${address}/24`, 'dev', 'up1']);
  }
  ip(['-n', PROBER_NAMESPACE, 'link', 'set', 'up0', 'up']);
  ip(['-n', PEER_NAMESPACE, 'link', 'set', 'up1', 'up']);
}

function removeNamespaces(): void {
  const existing = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  for (const name of [PROBER_NAMESPACE, PEER_NAMESPACE]) {
    if (existing.split('\n').some((line) => line.split(' ')[0] === name))
      ip(['netns', 'del', name]);
  }
}

function setTargets(up: boolean): void {
  ip(['-n', PEER_NAMESPACE, 'link', 'set', 'up1', up ? 'up' : 'down']);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`)),
      timeoutMs,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: Error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the targets down at a random moment of the schedule and measures the time to the
 * prober's change event and to fping's first "timed out" line. Both run in the same namespace.
 */
async function benchDetection(fping: IcmpTool) {
  const inNamespace: CommandRunner = (command, args, options) =>
    runCommand('ip', ['netns', 'exec', PROBER_NAMESPACE, command, ...args], options);
  const networks = [
    { id: 'bench', name: 'Bench network', probes: DETECTION_TARGETS.map((host) => ({ host })) },
  ];
  const prober: number[] = [];
  const reference: number[] = [];

  for (let trial = 0; trial < TRIALS; trial++) {
    setTargets(true);
    let downAt = 0;
    let reachable: (() => void) | undefined;
    let proberSeen: ((ms: number) => void) | undefined;
    let fpingSeen: ((ms: number) => void) | undefined;
    const firstReachable = new Promise<void>((resolve) => (reachable = resolve));
    const proberDetected = new Promise<number>((resolve) => (proberSeen = resolve));
    const fpingDetected = new Promise<number>((resolve) => (fpingSeen = resolve));

    const monitor = new ReachabilityMonitor({
      probe: () =>
        runProbeRound({
          networks,
          tunnel: { up: true, detail: 'bench' },
          icmpTool: fping,
          run: inNamespace,
        }),
      judge: (round) => judgeRound(networks, round),
      intervalMs: INTERVAL_MS,
    });
    monitor.onChange((summary) => {
      const status = summary.networks[0]?.status;
      if (status === 'reachable') reachable?.();
      if (downAt > 0 && status === 'unreachable') proberSeen?.(performance.now() - downAt);
    });
    const looping = spawn(
      'ip',
      [
        'netns',
        'exec',
        PROBER_NAMESPACE,
        fping.path,
        '-l',
        '-p',
        String(INTERVAL_MS),
        '-t',
        String(DEFAULT_PROBE_TIMEOUT_MS),
        ...DETECTION_TARGETS,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    createInterface({ input: looping.stdout }).on('line', (line) => {
      if (downAt > 0 && line.includes('timed out')) fpingSeen?.(performance.now() - downAt);
    });

    try {
      monitor.start();
      await withTimeout(firstReachable, 3 * INTERVAL_MS, 'the targets to answer');
      // Going down at a random moment of the schedule, as a real outage does.
      await sleep(Math.random() * INTERVAL_MS);
      downAt = performance.now();
      setTargets(false);
      const limit = 3 * INTERVAL_MS + 2 * DEFAULT_PROBE_TIMEOUT_MS;
      const [proberMs, fpingMs] = await Promise.all([
        withTimeout(proberDetected, limit, 'the prober to report the outage'),
        withTimeout(fpingDetected, limit, 'fping to report the outage'),
      ]);
      prober.push(proberMs);
      reference.push(fpingMs);
      console.log(
        `trial ${trial + 1}: prober ${Math.round(proberMs)} ms, fping ${Math.round(fpingMs)} ms`,
      );
    } finally {
      monitor.stop();
      looping.kill('SIGTERM');
    }
  }
  return { prober, reference };
}

function fpingVersion(path: string): string {
  const output = spawnSync(path, ['-v'], { encoding: 'utf8' });
  const text = `${output.stdout}${output.stderr}`;
  return /Version (\S+)/.exec(text)?.[1] ?? 'of unknown version';
}

async function main(): Promise<void> {
  const tool = findIcmpTool();
  if (tool?.kind !== 'fping') {
    console.error('fping is not installed; install it (apt-get install fping) and run again.');
    process.exitCode = 1;
    return;
  }

  const cpu = await benchCpu(tool);
  console.log(
    `CPU per round of ${TARGET_COUNT} targets: prober ${cpu.proberMs.toFixed(1)} ms ` +
      `(${cpu.oneShotMs.toFixed(1)} ms starting ip and fping from Node every round), fping ${cpu.fpingMs.toFixed(1)} ms`,
  );

  let detection: { prober: number[]; reference: number[] } | undefined;
  if (TRIALS > 0 && process.getuid?.() === 0) {
    try {
      createNamespaces();
      detection = await benchDetection(tool);
    } finally {
      setTargets(true);
      removeNamespaces();
    }
  } else {
    console.log('Detection time needs root for its network namespaces; skipped.');
  }

  const percent = (ms: number) => ((100 * ms) / INTERVAL_MS).toFixed(3);
  const lines = [
    '## Reachability prober',
    '',
    `Measured by \`npx tsx scripts/bench-reach.ts\` on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
      `Node ${process.version}, fping ${fpingVersion(tool.path)}, ${new Date().toISOString().slice(0, 10)}. ` +
      'While it runs on a schedule, the prober feeds the route lookups of a round to one long-running ' +
      '`ip -j -batch -` and the echo requests to one long-running xargs, which starts fping. So a round ' +
      'starts no process from Node, only fping from the small xargs. A long-running `ip monitor route ' +
      'link address` lets a round reuse the previous routes until a route, link or address changes, ' +
      `or for at most ${DEFAULT_ROUTE_CACHE_MAX_AGE_MS / 1000} s, so at a ${INTERVAL_MS / 1000} s interval ` +
      `the routes are looked up in one round of ${Math.ceil(DEFAULT_ROUTE_CACHE_MAX_AGE_MS / INTERVAL_MS)}.`,
    '',
    `| what | prober | fping alone | ratio |`,
    '| --- | --- | --- | --- |',
    `| CPU per round of ${TARGET_COUNT} loopback targets (mean of ${ROUNDS}) | ${cpu.proberMs.toFixed(1)} ms | ${cpu.fpingMs.toFixed(1)} ms | ${(cpu.proberMs / cpu.fpingMs).toFixed(2)}x |`,
    `| the same, starting ip and fping from Node every round (\`probe\` without --watch) | ${cpu.oneShotMs.toFixed(1)} ms | ${cpu.fpingMs.toFixed(1)} ms | ${(cpu.oneShotMs / cpu.fpingMs).toFixed(2)}x |`,
    `| share of one core at a ${INTERVAL_MS / 1000} s interval | ${percent(cpu.proberMs)} % | ${percent(cpu.fpingMs)} % | |`,
  ];
  if (detection !== undefined) {
    lines.push(
      `| time from targets going down to the event (median of ${TRIALS}, ${INTERVAL_MS / 1000} s interval, ${DEFAULT_PROBE_TIMEOUT_MS / 1000} s timeout) | ${Math.round(median(detection.prober))} ms | ${Math.round(median(detection.reference))} ms | ${(median(detection.prober) / median(detection.reference)).toFixed(2)}x |`,
      `| slowest detection | ${Math.round(Math.max(...detection.prober))} ms | ${Math.round(Math.max(...detection.reference))} ms | |`,
    );
  }
  lines.push(
    '',
    'CPU counts this process (process.cpuUsage) and its reaped children (cutime and cstime in ' +
      '/proc/self/stat). It also counts the long-running ip and xargs, with the fping runs that ' +
      'xargs reaped (/proc/PID/stat). All of these come in 10 ms ticks, so only the mean over ' +
      `${ROUNDS} rounds means something. fping alone counts only fping's own CPU. Detection takes ` +
      'ten targets in a second network namespace down by setting their link down. fping runs in ' +
      'loop mode (`-l -p INTERVAL`) in the same run, and its first "timed out" line counts. ' +
      'Targets: detection within two intervals, CPU within 1.5x of fping.',
  );
  lines.push(
    '',
    `Of the prober's ${cpu.proberMs.toFixed(1)} ms a round, Node takes ${cpu.parts.nodeMs.toFixed(1)} ms ` +
      `(planning, route decisions, parsing and the pipes), the ip batch and ip monitor ${cpu.parts.ipMs.toFixed(1)} ms ` +
      `and xargs with the fping it starts ${cpu.parts.xargsMs.toFixed(1)} ms.`,
  );
  const cpuMet = cpu.proberMs <= 1.5 * cpu.fpingMs;
  const verdicts = [
    `CPU target ${cpuMet ? 'met' : 'missed'} (${(cpu.proberMs / cpu.fpingMs).toFixed(2)}x).`,
  ];
  if (detection !== undefined) {
    const slowest = Math.max(...detection.prober);
    verdicts.push(
      `Detection target ${slowest <= 2 * INTERVAL_MS ? 'met' : 'missed'} (slowest ${Math.round(slowest)} ms against ${2 * INTERVAL_MS} ms).`,
    );
  }
  lines.push('', verdicts.join(' '));
  replaceSection('## Reachability prober', lines.join('\n'));
  console.log('Wrote the "## Reachability prober" section of docs/benchmarks.md.');
}

await main();
