import type { LatencyPoint } from '../../main/contract/status-state.ts';
import { formatLatency } from '../../main/reach/judgement.ts';

/** The lines, gap ticks and newest point of a latency chart, in its SVG viewBox coordinates. */
export interface SparklineShape {
  /** One polyline `points` attribute per run of rounds with a response. */
  lines: string[];
  /** Horizontal positions of rounds without any response. */
  gaps: number[];
  /** The newest point, when its round had a response. */
  latest?: { x: number; y: number };
}

/**
 * Lays out latency points across `width`, oldest at the left, with 0 ms at the bottom and the
 * highest latency `padding` below the top. A round without a response breaks the line.
 */
export function sparklineShape(
  points: readonly LatencyPoint[],
  width: number,
  height: number,
  padding = 2,
): SparklineShape {
  const latencies = points.flatMap((point) => (point.latencyMs === null ? [] : [point.latencyMs]));
  const highest = Math.max(...latencies, 0);
  const scale = highest > 0 ? (height - 2 * padding) / highest : 0;
  const step = points.length > 1 ? (width - 2 * padding) / (points.length - 1) : 0;
  const xOf = (index: number) =>
    round(points.length > 1 ? padding + index * step : width - padding);
  const yOf = (latency: number) => round(height - padding - latency * scale);

  const lines: string[] = [];
  const gaps: number[] = [];
  let run: string[] = [];
  points.forEach((point, index) => {
    if (point.latencyMs === null) {
      gaps.push(xOf(index));
      if (run.length > 0) lines.push(run.join(' '));
      run = [];
      return;
    }
    run.push(`${xOf(index)},${yOf(point.latencyMs)}`);
  });
  if (run.length > 0) lines.push(run.join(' '));

  const last = points.at(-1);
  const shape: SparklineShape = { lines, gaps };
  if (last !== undefined && last.latencyMs !== null) {
    shape.latest = { x: xOf(points.length - 1), y: yOf(last.latencyMs) };
  }
  return shape;
}

/** Describes a latency history in one or two sentences, as the chart's text alternative. */
export function describeLatencyHistory(points: readonly LatencyPoint[]): string {
  if (points.length === 0) return 'No latency measured yet.';

  const latencies = points.flatMap((point) => (point.latencyMs === null ? [] : [point.latencyMs]));
  const checks = points.length === 1 ? 'the last check' : `the last ${points.length} checks`;
  if (latencies.length === 0) return `No answer in ${checks}.`;

  const latest = points.at(-1)?.latencyMs;
  const parts = [
    `lowest ${formatLatency(Math.min(...latencies))}`,
    `highest ${formatLatency(Math.max(...latencies))}`,
    latest === null || latest === undefined
      ? 'no answer to the latest'
      : `latest ${formatLatency(latest)}`,
  ];
  const missed = points.length - latencies.length;
  const missedText = missed === 0 ? '' : ` ${missed} of ${points.length} checks got no answer.`;
  return `Latency over ${checks}: ${parts.join(', ')}.${missedText}`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
