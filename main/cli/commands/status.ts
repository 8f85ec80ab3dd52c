import type { Command } from 'commander';

import type { ConnectionState } from '../../connect/connection-state.ts';
import { loadOrganisationFile } from '../../org/load-organisation.ts';
import type { OrganisationFile } from '../../org/schema.ts';
import { createNetworkProber, type NetworkProber } from '../../reach/network-prober.ts';
import { tunnelStatusOf } from '../../reach/prober.ts';
import { ReachabilityMonitor } from '../../reach/reachability-monitor.ts';
import type { ReachabilitySummary } from '../../reach/reachability.ts';
import { untilInterrupted } from '../cancellation.ts';
import { createDriver, stateLine } from '../connection.ts';
import {
  createContext,
  findEnrolledOrganisation,
  printJson,
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
        'a state, {"reachability": ...} or {"reachabilityNotChecked": "reason"}) until Ctrl-C; ' +
        'while watching, an openvpn that exits on its own is restarted.',
    );
  addCommonOptions(command);
  command
    .option('--watch', 'stream state and reachability changes until interrupted')
    .option('--no-probe', 'print only the state of the tunnel, without probing the networks');
  command.action(async (options: StatusOptions) => {
    const context = createContext(options);
    // The organisation comes first, so an --org that cannot be loaded fails before attaching.
    const target = options.probe ? await findOrganisation(context, options.org) : {};
    if (target.notChecked !== undefined) {
      context.err.write(`Reachability not checked: ${target.notChecked}\n`);
    }
    const organisation = target.organisation;
    const driver = createDriver(context);
    const state = await driver.recover({ stopUnresponsive: false });

    if (options.watch !== true) {
      await driver.detach();
      const summary = organisation === undefined ? undefined : await probeOnce(organisation, state);
      printStatus(context, state, summary, target.notChecked);
      return;
    }

    const printState = (next: ConnectionState) => {
      if (context.json) context.out.write(`${JSON.stringify(next)}\n`);
      else context.out.write(`${new Date().toISOString()} ${stateLine(next)}\n`);
    };
    printState(state);
    if (context.json && target.notChecked !== undefined) {
      context.out.write(`${JSON.stringify({ reachabilityNotChecked: target.notChecked })}\n`);
    }
    const monitor =
      organisation === undefined ? undefined : watchReachability(context, organisation, driver);
    const unsubscribe = driver.onState((next) => {
      printState(next);
      monitor?.monitor.connectionChanged(next);
    });

    await untilInterrupted();
    unsubscribe();
    monitor?.monitor.stop();
    monitor?.prober.close();
    await driver.detach();
  });
}

/** The organisation whose networks to probe, or why none is probed. */
interface ProbeTarget {
  organisation?: OrganisationFile;
  notChecked?: string;
}

/**
 * Loads the organisation whose networks to probe. An --org that cannot be loaded fails the
 * command, as it does for `probe`. Without --org, a data directory with no or several enrolled
 * organisations still gets its tunnel state printed, with the reason reachability is missing.
 */
async function findOrganisation(
  context: CommandContext,
  option: string | undefined,
): Promise<ProbeTarget> {
  if (option !== undefined) return { organisation: await loadOrganisationFile(option) };

  const enrolled = await findEnrolledOrganisation(context.dataDir);
  if (enrolled.organisation !== undefined) return { organisation: enrolled.organisation };
  if (enrolled.problem === 'none') {
    return {
      notChecked: `no organisation is enrolled in ${context.dataDir} yet; pass --org FILE to check its networks.`,
    };
  }
  return {
    notChecked: `${context.dataDir} contains several organisations (${enrolled.ids.join(', ')}); pass --org FILE to pick the one whose networks to check.`,
  };
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
  notChecked: string | undefined,
): void {
  if (context.json) {
    printJson(context, {
      state,
      ...(summary === undefined ? {} : { reachability: summary }),
      ...(notChecked === undefined ? {} : { reachabilityNotChecked: notChecked }),
    });
    return;
  }

  context.out.write(`${stateLine(state)}\n`);
  if (summary === undefined) return;
  context.out.write(`Reachability at ${summary.checkedAt}:\n${summaryLines(summary).join('\n')}\n`);
}
