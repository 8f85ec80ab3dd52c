import { formatLatency } from '../reach/judgement.ts';
import {
  NETWORK_STATUS_WORDS,
  type ProbeOutcome,
  type ReachabilitySummary,
} from '../reach/reachability.ts';

/**
 * Formats a reachability summary as one line per network, indented under the state line, with
 * the explanation on the line after it unless the network is reachable through the tunnel.
 * While the tunnel is down, a reachable network keeps its explanation, which states that it
 * replies directly, so "reachable" under "Disconnected" does not read as a contradiction.
 */
export function summaryLines(summary: ReachabilitySummary): string[] {
  if (summary.networks.length === 0) return ['  The organisation file lists no networks.'];

  return summary.networks.flatMap((network) => {
    const latency = network.latencyMs === undefined ? '' : `, ${formatLatency(network.latencyMs)}`;
    const line = `  ${network.name}: ${NETWORK_STATUS_WORDS[network.status]}${latency}`;
    if (network.status === 'reachable' && summary.tunnel.up) return [line];
    return [line, `    ${network.explanation}`];
  });
}

/**
 * Returns the RESULT and LATENCY cells of one probe outcome, in the words the `probe` table and
 * the demo's table share: up, refused (a TCP reset), down with the reason, or the route problem.
 */
export function outcomeCells(outcome: ProbeOutcome): [result: string, latency: string] {
  switch (outcome.status) {
    case 'up':
      return ['up', formatLatency(outcome.latencyMs)];
    case 'closed':
      return ['refused', formatLatency(outcome.latencyMs)];
    case 'down':
      return [`down: ${outcome.reason}`, ''];
    case 'no-route':
      return [outcome.reason, ''];
  }
}
