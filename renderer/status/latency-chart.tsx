import type { LatencyPoint } from '../../main/contract/status-state.ts';
import { describeLatencyHistory, sparklineShape } from './sparkline.ts';

const WIDTH = 240;
const HEIGHT = 40;

/**
 * Draws a latency sparkline as inline SVG: one line per run of rounds with a response, a tick at
 * the bottom for each round without one, and a dot on the newest point. The SVG stretches to its
 * container; screen readers get the summary sentence instead.
 */
export function LatencyChart({ points, label }: { points: LatencyPoint[]; label: string }) {
  const shape = sparklineShape(points, WIDTH, HEIGHT, 3);
  const description = describeLatencyHistory(points);

  return (
    <div className="latency-chart">
      <svg
        role="img"
        aria-label={`${label}. ${description}`}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
      >
        <line className="chart-baseline" x1="0" y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} />
        {shape.lines.map((points) => (
          <polyline key={points} className="chart-line" points={points} />
        ))}
        {shape.gaps.map((x) => (
          <line key={x} className="chart-gap" x1={x} y1={HEIGHT - 8} x2={x} y2={HEIGHT} />
        ))}
        {shape.latest === undefined ? null : (
          // A zero-length line with a round cap stays a round dot when the SVG is stretched.
          <line
            className="chart-latest"
            x1={shape.latest.x}
            y1={shape.latest.y}
            x2={shape.latest.x}
            y2={shape.latest.y}
          />
        )}
      </svg>
    </div>
  );
}
