import type { Command } from 'commander';

import type { ConnectionState } from '../../connect/connection-state.ts';
import type { OrganisationFile } from '../../org/schema.ts';
import { createNetworkProber, type NetworkProber } from '../../reach/network-prober.ts';
import { tunnelStatusOf } from '../../reach/prober.ts';
import { ReachabilityMonitor } from '../../reach/reachability-monitor.ts';
import type { ReachabilitySummary } from '../../reach/reachability.ts';
import { withCancellation } from '../cancellation.ts';
import { createDriver, stateLine } from '../connection.ts';
import {
  createContext,
  printJson,
  resolveOrganisation,
  type CommandContext,
  type CommonOptions,
} from '../context.ts';
import { summaryLines } from '../reachability-lines.ts';
import { addCommonOptions } from './shared-options.ts';

interface StatusOptions extends CommonOptions {
  watch?: boolean;
  probe: boolean;
}

export function registerStatus(program: Command): void {
  const command = program
    .command('status')
    .description(
      'Print the state of the tunnel and whether each network of the organisation is reachable. ' +
        'With --watch, keep printing each change of either (one JSON object a line with --json: ' +
        'a state, or {"reachability": ...}) until Ctrl-C; while watching, an openvpn that exits ' +
        'on its own is restarted.',
    );
  addCommonOptions(command);
  command
    .option('--watch', 'stream state and reachability changes until interrupted')
    .option('--no-probe', 'print only the state of the tunnel, without probing the networks');
  command.action(async (options: StatusOptions) => {
    const context = createContext(options);
    const driver = createDriver(context);
    const state = await driver.recover({ stopUnresponsive: false });
    const organisation = options.probe ? await findOrganisation(context, options.org) : undefined;

    if (options.watch !== true) {
      await driver.detach();
      const summary = organisation === undefined ? undefined : await probeOnce(organisation, state);
      printStatus(context, state, summary);
      return;
    }

    const printState = (next: ConnectionState) => {
      if (context.json) context.out.write(`${JSON.stringify(next)}\n`);
      else context.out.write(`${new Date().toISOString()} ${stateLine(next)}\n`);
    };
    printState(state);
    const monitor =
      organisation === undefined ? undefined : watchReachability(context, organisation, driver);
    const unsubscribe = driver.onState((next) => {
      printState(next);
      monitor?.monitor.connectionChanged(next);
    });

    await withCancellation(
      (signal) => new Promise((resolve) => signal.addEventListener('abort', resolve)),
    );
    unsubscribe();
    monitor?.monitor.stop();
    monitor?.prober.close();
    await driver.detach();
  });
}

/**
 * Returns the organisation whose networks to probe, or undefined when none can be found. The
 * state is worth printing without it, so the reason goes to stderr instead of failing.
 */
async function findOrganisation(
  context: CommandContext,
  option: string | undefined,
): Promise<OrganisationFile | undefined> {
  try {
    return await resolveOrganisation(option, context.dataDir);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.err.write(`Reachability not checked: ${message}\n`);
    return undefined;
  }
}

async function probeOnce(
  organisation: OrganisationFile,
  state: ConnectionState,
): Promise<ReachabilitySummary> {
  const prober = createNetworkProber({
    networks: organisation.networks,
    tunnelStatus: () => tunnelStatusOf(state),
  });
  try {
    return prober.judge(await prober.probe());
  } finally {
    prober.close();
  }
}

function watchReachability(
  context: CommandContext,
  organisation: OrganisationFile,
  driver: ReturnType<typeof createDriver>,
): { monitor: ReachabilityMonitor; prober: NetworkProber } {
  const prober = createNetworkProber({
    networks: organisation.networks,
    tunnelStatus: () => tunnelStatusOf(driver.state()),
    keepHelpers: true,
  });
  const monitor = new ReachabilityMonitor({
    probe: () => prober.probe(),
    judge: (round) => prober.judge(round),
    onError: (error) => context.err.write(`Probe round failed: ${error.message}\n`),
  });
  monitor.onChange((summary) => {
    if (context.json) {
      context.out.write(`${JSON.stringify({ reachability: summary })}\n`);
      return;
    }
    context.out.write(`${summary.checkedAt} Reachability:\n${summaryLines(summary).join('\n')}\n`);
  });
  monitor.start();
  return { monitor, prober };
}

function printStatus(
  context: CommandContext,
  state: ConnectionState,
  summary: ReachabilitySummary | undefined,
): void {
  if (context.json) {
    printJson(context, summary === undefined ? { state } : { state, reachability: summary });
    return;
  }

  context.out.write(`${stateLine(state)}\n`);
  if (summary === undefined) return;
  context.out.write(`Reachability at ${summary.checkedAt}:\n${summaryLines(summary).join('\n')}\n`);
}
