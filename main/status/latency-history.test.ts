import { describe, expect, it } from 'vitest';

import type { ProbeOutcome } from '../reach/reachability.ts';
import type { HistorySample } from '../reach/reachability-monitor.ts';
import { latencyHistory } from './latency-history.ts';

const ROUNDS = ['2026-12-04T14:00:00.000Z', '2026-12-04T14:00:10.000Z', '2026-12-04T14:00:20.000Z'];
const DOWN: ProbeOutcome = { status: 'down', reason: 'no echo reply' };

function history(outcomes: ProbeOutcome[]): HistorySample[] {
  return outcomes.map((outcome, index) => ({ at: ROUNDS[index]!, outcome }));
}

describe('latency history', () => {
  it('takes the lowest latency of each round', () => {
    const histories = new Map([
      [
        'gateway',
        history([
          { status: 'up', latencyMs: 4 },
          { status: 'up', latencyMs: 9 },
        ]),
      ],
      [
        'host',
        history([
          { status: 'up', latencyMs: 6 },
          { status: 'up', latencyMs: 2 },
        ]),
      ],
    ]);

    const points = latencyHistory(['gateway', 'host'], (key) => histories.get(key) ?? [], 60);

    expect(points).toEqual([
      { at: ROUNDS[0], latencyMs: 4 },
      { at: ROUNDS[1], latencyMs: 2 },
    ]);
  });

  it('marks a round without any answer as null', () => {
    const histories = new Map([
      ['gateway', history([DOWN, { status: 'up', latencyMs: 3 }])],
      ['host', history([DOWN, DOWN])],
    ]);

    const points = latencyHistory(['gateway', 'host'], (key) => histories.get(key) ?? [], 60);

    expect(points.map((point) => point.latencyMs)).toEqual([null, 3]);
  });

  it('does not count a refused port as latency', () => {
    const histories = new Map([['service', history([{ status: 'closed', latencyMs: 1 }])]]);

    const points = latencyHistory(['service'], (key) => histories.get(key) ?? [], 60);

    expect(points).toEqual([{ at: ROUNDS[0], latencyMs: null }]);
  });

  it('keeps the newest points up to the limit', () => {
    const up = (latencyMs: number): ProbeOutcome => ({ status: 'up', latencyMs });
    const histories = new Map([['host', history([up(1), up(2), up(3)])]]);

    const points = latencyHistory(['host'], (key) => histories.get(key) ?? [], 2);

    expect(points.map((point) => point.latencyMs)).toEqual([2, 3]);
  });

  it('is empty before the first round', () => {
    expect(latencyHistory(['host'], () => [], 60)).toEqual([]);
  });
});
