import { existsSync } from 'node:fs';

import { describeState, type ConnectionState } from '../connect/connection-state.ts';
import { OpenvpnDriver } from '../connect/openvpn-driver.ts';
import type { TunnelCheck } from '../connect/tunnel-check.ts';
import type { ProbeTarget } from '../connect/tunnel-probe.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { profilePath } from '../profile/profile-store.ts';
import type { CommandContext } from './context.ts';

/**
 * Creates the openvpn driver for a CLI command. openvpn runs detached and outlives the command,
 * so a later `status`, `reconnect` or `disconnect` finds it again through the process record.
 * NOTE: only a running driver restarts an openvpn that exits, so after `connect` returns
 * nothing restarts it unless `status --watch` or the app is attached.
 */
export function createDriver(
  context: CommandContext,
  organisation?: OrganisationFile,
): OpenvpnDriver {
  return new OpenvpnDriver({
    dataDir: context.dataDir,
    log: context.log,
    probeTargets: organisation === undefined ? [] : probeTargetsOf(organisation),
  });
}

/** Returns the installed profile of the organisation, or raises when there is none. */
export function installedProfilePath(
  context: CommandContext,
  organisation: OrganisationFile,
): string {
  const path = profilePath(context.dataDir, organisation.organisation.id);
  if (!existsSync(path)) {
    throw new Error(
      `No profile is installed for ${organisation.organisation.name} in ${context.dataDir}; run "vpn-onboard enroll" first.`,
    );
  }
  return path;
}

/** Collects the TCP probe targets of every network, in the organisation file's order. */
export function probeTargetsOf(organisation: Pick<OrganisationFile, 'networks'>): ProbeTarget[] {
  return organisation.networks.flatMap((network) =>
    network.probes.flatMap((probe) =>
      probe.port === undefined ? [] : [{ host: probe.host, port: probe.port }],
    ),
  );
}

/**
 * Formats a state for people, with the time it connected when it is connected, or the time the
 * tunnel check failed when it is degraded.
 */
export function stateLine(state: ConnectionState): string {
  if (state.status === 'degraded') return `${describeState(state)} Degraded since ${state.since}.`;
  if (state.status !== 'connected') return describeState(state);
  return `${describeState(state)} since ${state.since}`;
}

/** Formats a tunnel check for people. */
export function checkLine(check: TunnelCheck): string {
  const answered = check.probes.find((probe) => probe.answered);
  if (check.healthy && answered !== undefined) {
    return `Tunnel check passed: ${answered.target.host}:${answered.target.port} ${answered.message}.`;
  }
  const failed = check.probes.at(-1);
  const probe =
    failed === undefined ? '' : ` ${failed.target.host}:${failed.target.port}: ${failed.message};`;
  return `Tunnel check failed:${probe} byte counters ${check.bytesInMoved ? 'moved' : 'did not move'}. The tunnel is degraded and is being restarted.`;
}
