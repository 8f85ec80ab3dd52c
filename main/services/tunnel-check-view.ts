import type { TunnelCheck } from '../connect/tunnel-check.ts';
import type { TunnelProbeResult } from '../connect/tunnel-probe.ts';
import type { TunnelCheckView, TunnelProbeView } from '../contract/wizard-state.ts';
import type { OrganisationFile } from '../org/schema.ts';

// NOTE: the probe result has no field for "no route", so the outcome is read from the message
// that probeThroughTunnel writes. If that wording changes, "no-route" shows as "failed".
const NO_ROUTE_MESSAGE = /^no route via the tunnel/;

/** Converts a driver's tunnel check into what the connect step shows, naming each network. */
export function tunnelCheckView(
  check: TunnelCheck,
  organisation: Pick<OrganisationFile, 'networks'>,
  now: Date = new Date(),
): TunnelCheckView {
  return {
    healthy: check.healthy,
    bytesInMoved: check.bytesInMoved,
    probes: check.probes.map((probe) => probeView(probe, organisation)),
    checkedAt: now.toISOString(),
  };
}

function probeView(
  probe: TunnelProbeResult,
  organisation: Pick<OrganisationFile, 'networks'>,
): TunnelProbeView {
  const { host, port } = probe.target;
  const network = organisation.networks.find((candidate) =>
    candidate.probes.some((target) => target.host === host && target.port === port),
  );

  return {
    host,
    port,
    network: network?.name,
    outcome: probeOutcome(probe),
    message: probe.message,
  };
}

function probeOutcome(probe: TunnelProbeResult): TunnelProbeView['outcome'] {
  if (probe.answered) return 'reached';
  if (NO_ROUTE_MESSAGE.test(probe.message)) return 'no-route';
  return 'failed';
}
