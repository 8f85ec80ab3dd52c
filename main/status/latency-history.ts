import type { LatencyPoint } from '../contract/status-state.ts';
import type { HistorySample } from '../reach/reachability-monitor.ts';

/**
 * Merges the monitor's per-target histories into one latency series for a network: per round,
 * the lowest latency of any target that responded (the verdict's latency), or null when none
 * did. Returns at most `limit` points, oldest first.
 */
export function latencyHistory(
  keys: readonly string[],
  historyOf: (key: string) => readonly HistorySample[],
  limit: number,
): LatencyPoint[] {
  const byRound = new Map<string, number | null>();
  for (const key of keys) {
    for (const sample of historyOf(key)) {
      const latency = sample.outcome.status === 'up' ? sample.outcome.latencyMs : null;
      const current = byRound.get(sample.at);
      if (current === undefined || current === null) {
        byRound.set(sample.at, latency);
      } else if (latency !== null) {
        byRound.set(sample.at, Math.min(current, latency));
      }
    }
  }

  // Every round stamps its samples with one ISO 8601 UTC time, and such times sort as text.
  const points = [...byRound]
    .sort(([left], [right]) => (left < right ? -1 : 1))
    .map(([at, latencyMs]) => ({ at, latencyMs }));
  return points.slice(Math.max(0, points.length - limit));
}
