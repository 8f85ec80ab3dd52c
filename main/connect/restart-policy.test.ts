import { describe, expect, it } from 'vitest';

import { restartDelay, type RestartPolicy } from './restart-policy.ts';

const policy: RestartPolicy = { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 1_000 };

describe('restart delay', () => {
  it('doubles with each attempt', () => {
    const delays = [1, 2, 3].map((attempt) => restartDelay(attempt, policy, () => 1));

    expect(delays).toEqual([200, 400, 800]);
  });

  it('stops growing at the cap', () => {
    expect(restartDelay(6, policy, () => 1)).toBe(1_000);
  });

  it('keeps at least half the delay with jitter', () => {
    expect(restartDelay(1, policy, () => 0)).toBe(100);
  });

  it('varies with the random factor', () => {
    expect(restartDelay(2, policy, () => 0.5)).toBe(300);
  });
});
