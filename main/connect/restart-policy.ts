/** Backoff settings for restarting an openvpn that exited, or a tunnel that passes nothing. */
export interface RestartPolicy {
  /** Restarts in a row before the driver gives up; 0 turns automatic restarts off. */
  maxAttempts: number;
  /** Milliseconds before the first restart; each further attempt doubles it. */
  initialDelayMs: number;
  /** Upper bound of the delay in milliseconds, before jitter. */
  maxDelayMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxAttempts: 5,
  initialDelayMs: 250,
  maxDelayMs: 30_000,
};

/**
 * Returns the delay before restart number `attempt` (from 1): the initial delay doubled for
 * each earlier attempt, then capped. A random factor from 0.5 to 1 scales the result, so many
 * clients that lost the same server do not all come back in the same instant.
 */
export function restartDelay(
  attempt: number,
  policy: RestartPolicy,
  random: () => number = Math.random,
): number {
  const doubled = policy.initialDelayMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxDelayMs, doubled);
  return Math.round(capped * (0.5 + random() / 2));
}
