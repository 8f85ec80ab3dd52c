import { describe, expect, it } from 'vitest';

import { describeFailedCheck, type TunnelCheck } from './tunnel-check.ts';
import type { TunnelProbeResult } from './tunnel-probe.ts';

function probe(host: string, answered: boolean, message: string): TunnelProbeResult {
  return { target: { host, port: 80 }, answered, message };
}

function failedCheck(probes: TunnelProbeResult[], bytesInMoved = false): TunnelCheck {
  return { healthy: false, bytesInMoved, probes, durationMs: 1_200 };
}

describe('failed tunnel check', () => {
  it('names the target that gave no answer', () => {
    const check = failedCheck([probe('192.168.100.10', false, 'no answer within 3000 ms')]);

    expect(describeFailedCheck(check)).toBe(
      '192.168.100.10:80 did not answer through the tunnel (no answer within 3000 ms).',
    );
  });

  it('counts the other targets that gave no answer', () => {
    const check = failedCheck([
      probe('192.168.100.10', false, 'no answer within 3000 ms'),
      probe('192.168.200.4', false, 'no answer within 3000 ms'),
      probe('192.168.200.5', false, 'no answer within 3000 ms'),
    ]);

    expect(describeFailedCheck(check)).toBe(
      '192.168.100.10:80 did not answer through the tunnel (no answer within 3000 ms), ' +
        'nor did 2 more probe targets.',
    );
  });

  it('blames the byte counters when a target answered', () => {
    const check = failedCheck([
      probe('192.168.100.10', false, 'no answer within 3000 ms'),
      probe('192.168.200.4', true, 'answered in 4 ms'),
    ]);

    expect(describeFailedCheck(check)).toBe(
      "A probe target answered, but openvpn's byte counters did not move.",
    );
  });

  it('says so when nothing was probed', () => {
    expect(describeFailedCheck(failedCheck([]))).toBe('No probe target was checked.');
  });
});
