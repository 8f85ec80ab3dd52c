import { readFile } from 'node:fs/promises';

import type { Command } from 'commander';

import {
  isRecordedOpenvpn,
  processRecordPath,
  readProcessRecord,
} from '../../connect/process-record.ts';
import type { OrganisationFile } from '../../org/schema.ts';
import { createNetworkProber } from '../../reach/network-prober.ts';
import { tunnelDeviceFromLog } from '../../reach/tunnel-identity.ts';
import type {
  ProbeRound,
  ProbeSample,
  ReachabilitySummary,
  TunnelStatus,
} from '../../reach/reachability.ts';
import {
  DEFAULT_DISCONNECTED_INTERVAL_MS,
  DEFAULT_INTERVAL_MS,
  ReachabilityMonitor,
} from '../../reach/reachability-monitor.ts';
import { untilInterrupted } from '../cancellation.ts';
import {
  createContext,
  printJson,
  resolveOrganisation,
  type CommandContext,
  type CommonOptions,
} from '../context.ts';
import { positiveNumberUpTo } from '../number-options.ts';
import { outcomeCells } from '../reachability-lines.ts';
import { formatTable } from '../text-table.ts';
import { addCommonOptions } from './shared-options.ts';

interface ProbeOptions extends CommonOptions {
  watch?: boolean;
  interval: string;
  timeout: string;
}

const DEFAULT_TIMEOUT_MS = 2_000;
// A reply that takes longer than a minute is as good as none.
const MAX_TIMEOUT_MS = 60_000;
const MAX_INTERVAL_SECONDS = 86_400;
// Names come from the organisation file and may be long; the explanations below the table and
// --json keep them whole. The RESULT column stays whole too, because it carries the reasons.
const PROBE_TABLE_MAX_WIDTHS = [32, undefined, 48];

export function registerProbe(program: Command): void {
  const command = program
    .command('probe')
    .description(
      "Check every network of the organisation in layers: tunnel, VPN gateway, the network's " +
        'gateway, its hosts (ICMP echo) and service ports (TCP connect). An address is probed only ' +
        'when its route goes through the tunnel or a directly connected interface; otherwise it ' +
        'is reported as "no route through the VPN" and nothing is sent.',
    );
  addCommonOptions(command);
  command
    .option(
      '--watch',
      'keep probing and print each change until Ctrl-C (one JSON object a line with --json)',
    )
    .option(
      '--interval <seconds>',
      `seconds between rounds with --watch while the tunnel is up, at most ${MAX_INTERVAL_SECONDS}`,
      String(DEFAULT_INTERVAL_MS / 1000),
    )
    .option(
      '--timeout <ms>',
      `milliseconds each echo request or TCP connect waits, at most ${MAX_TIMEOUT_MS}`,
      String(DEFAULT_TIMEOUT_MS),
    )
    .action(async (options: ProbeOptions) => {
      const context = createContext(options);
      const organisation = await resolveOrganisation(options.org, context.dataDir);
      const intervalMs =
        positiveNumberUpTo(options.interval, '--interval', MAX_INTERVAL_SECONDS, 'seconds') * 1000;
      const timeoutMs = positiveNumberUpTo(
        options.timeout,
        '--timeout',
        MAX_TIMEOUT_MS,
        'milliseconds',
      );
      // While watching, one ip process serves every round's route lookups and one xargs starts
      // fping, so rounds start no process from Node.
      const prober = createNetworkProber({
        networks: organisation.networks,
        tunnelStatus: () => readTunnelStatus(context.dataDir),
        timeoutMs,
        keepHelpers: options.watch === true,
      });
      const probe = () => prober.probe();
      const judge = (round: ProbeRound) => prober.judge(round);

      if (options.watch !== true) {
        const round = await probe();
        printResult(context, organisation, round, judge(round), false);
        return;
      }

      let latestRound: ProbeRound | undefined;
      const monitor = new ReachabilityMonitor({
        probe,
        judge,
        intervalMs,
        disconnectedIntervalMs: Math.max(intervalMs, DEFAULT_DISCONNECTED_INTERVAL_MS),
        onError: (error) => context.err.write(`Probe round failed: ${error.message}\n`),
      });
      monitor.onRound((round) => (latestRound = round));
      monitor.onChange((summary) => {
        if (latestRound !== undefined) {
          printResult(context, organisation, latestRound, summary, true);
        }
      });
      monitor.start();

      await untilInterrupted();
      monitor.stop();
      prober.close();
    });
}

/**
 * Reads whether openvpn runs from the process record, without attaching to its management
 * interface, which accepts one client and may be held by the app. The record has no tunnel
 * address, so the tunnel's device comes from openvpn's log. Without it, no route counts as
 * this app's tunnel.
 */
async function readTunnelStatus(dataDir: string): Promise<TunnelStatus> {
  const record = await readProcessRecord(processRecordPath(dataDir));
  if (record === undefined) return { up: false, detail: 'openvpn is not running' };
  if (!isRecordedOpenvpn(record)) {
    return { up: false, detail: `openvpn (PID ${record.pid}) has exited` };
  }

  const detail = `openvpn is running (PID ${record.pid})`;
  const log = await readFile(record.logPath, 'utf8').catch(() => '');
  const device = tunnelDeviceFromLog(log);
  return device === undefined ? { up: true, detail } : { up: true, detail, device };
}

function printResult(
  context: CommandContext,
  organisation: OrganisationFile,
  round: ProbeRound,
  reachability: ReachabilitySummary,
  watch: boolean,
): void {
  // The same top-level key as `status --json`, so scripts read both alike.
  if (context.json && watch) {
    context.out.write(`${JSON.stringify({ reachability, round })}\n`);
    return;
  }
  if (context.json) {
    printJson(context, { reachability, round });
    return;
  }

  const names = new Map(organisation.networks.map((network) => [network.id, network.name]));
  const rows: string[][] = [['NETWORK', 'LAYER', 'TARGET', 'RESULT', 'LATENCY']];
  rows.push(['VPN', 'tunnel', '', round.tunnel.up ? 'up' : 'down', '']);
  const samples =
    round.vpnGateway === undefined ? round.samples : [round.vpnGateway, ...round.samples];
  for (const sample of samples) {
    rows.push(
      sampleRow(
        sample,
        sample.networkId === undefined ? 'VPN' : (names.get(sample.networkId) ?? sample.networkId),
      ),
    );
  }

  const out = context.out;
  out.write(`Reachability at ${round.startedAt} (${round.tunnel.detail})\n`);
  for (const line of formatTable(rows, { maxWidths: PROBE_TABLE_MAX_WIDTHS })) {
    out.write(`${line}\n`);
  }
  out.write('\n');
  for (const network of reachability.networks) out.write(`${network.explanation}\n`);
}

function sampleRow(sample: ProbeSample, network: string): string[] {
  const target = sample.port === undefined ? sample.address : `${sample.address}:${sample.port}`;
  const labelled = sample.name === undefined ? target : `${target} (${sample.name})`;
  return [network, sample.layer, labelled, ...outcomeCells(sample.outcome)];
}
