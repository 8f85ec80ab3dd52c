import { describe, expect, it } from 'vitest';

import type { LatencyPoint } from '../../main/contract/status-state.ts';
import { describeLatencyHistory, sparklineShape } from './sparkline.ts';

function points(latencies: (number | null)[]): LatencyPoint[] {
  return latencies.map((latencyMs, index) => ({
    at: new Date(Date.UTC(2026, 11, 4, 14, 0, index * 10)).toISOString(),
    latencyMs,
  }));
}

describe('sparkline shape', () => {
  it('spreads points across the width, highest at the top', () => {
    const shape = sparklineShape(points([0, 10, 5]), 100, 20, 0);

    expect(shape.lines).toEqual(['0,20 50,0 100,10']);
  });

  it('breaks the line at a round without an answer', () => {
    const shape = sparklineShape(points([4, null, 4, 2]), 30, 10, 0);

    expect(shape.lines).toEqual(['0,0', '20,0 30,5']);
    expect(shape.gaps).toEqual([10]);
  });

  it('marks the newest point', () => {
    const shape = sparklineShape(points([4, 2]), 10, 10, 0);

    expect(shape.latest).toEqual({ x: 10, y: 5 });
  });

  it('has no newest point after a round without an answer', () => {
    expect(sparklineShape(points([4, null]), 10, 10, 0).latest).toBeUndefined();
  });

  it('puts a single point at the right edge', () => {
    expect(sparklineShape(points([3]), 100, 20, 2).lines).toEqual(['98,2']);
  });

  it('draws nothing without points', () => {
    expect(sparklineShape([], 100, 20)).toEqual({ lines: [], gaps: [] });
  });
});

describe('latency history text', () => {
  it('gives the range and the latest latency', () => {
    expect(describeLatencyHistory(points([12, 30, 15]))).toBe(
      'Latency over the last 3 checks: lowest 12 ms, highest 30 ms, latest 15 ms.',
    );
  });

  it('counts the checks without an answer', () => {
    expect(describeLatencyHistory(points([12, null, null, 14]))).toBe(
      'Latency over the last 4 checks: lowest 12 ms, highest 14 ms, latest 14 ms. 2 of 4 checks got no answer.',
    );
  });

  it('says when the latest check got no answer', () => {
    expect(describeLatencyHistory(points([0.42, null]))).toContain('no answer to the latest');
  });

  it('says when no check got an answer', () => {
    expect(describeLatencyHistory(points([null, null]))).toBe('No answer in the last 2 checks.');
  });

  it('says when nothing was measured yet', () => {
    expect(describeLatencyHistory([])).toBe('No latency measured yet.');
  });
});
