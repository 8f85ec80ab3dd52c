import { formatLatency } from '../reach/judgement.ts';
import { NETWORK_STATUS_WORDS, type ReachabilitySummary } from '../reach/reachability.ts';

/**
 * Formats a reachability summary as one line per network, indented under the state line, with
 * the explanation of each network that is not simply reachable on the line after it.
 */
export function summaryLines(summary: ReachabilitySummary): string[] {
  if (summary.networks.length === 0) return ['  The organisation file lists no networks.'];

  return summary.networks.flatMap((network) => {
    const latency = network.latencyMs === undefined ? '' : `, ${formatLatency(network.latencyMs)}`;
    const line = `  ${network.name}: ${NETWORK_STATUS_WORDS[network.status]}${latency}`;
    if (network.status === 'reachable') return [line];
    return [line, `    ${network.explanation}`];
  });
}
