import { formatDuration, quantile } from '../lib/format.ts';

export interface LatencyPoint {
  at: number;
  ms: number;
  failed: boolean;
}

const WIDTH = 640;
const HEIGHT = 140;
const PAD = { top: 10, right: 8, bottom: 18, left: 44 };

/**
 * Latency over time as an inline SVG bar chart (oldest on the left). Failed calls are drawn hatched in the
 * error color AND taller-capped with a marker, so they differ by shape, not color alone. The chart is one
 * image with a summary sentence for screen readers; the page's table holds the same data.
 */
export function LatencyChart({ points, label }: { points: readonly LatencyPoint[]; label: string }) {
  const sorted = [...points].sort((a, b) => a.at - b.at).slice(-200);
  const values = sorted.map((p) => p.ms);
  const p50 = quantile(values, 0.5);
  const p95 = quantile(values, 0.95);
  const max = Math.max(1, ...values);
  const scaleMax = niceCeil(max);
  const failed = sorted.filter((p) => p.failed).length;
  const summary =
    sorted.length === 0
      ? `${label}: no data yet`
      : `${label}: ${sorted.length} samples, median ${formatDuration(p50)}, 95th percentile ${formatDuration(p95)}, slowest ${formatDuration(max)}${failed ? `, ${failed} failed` : ''}`;
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const slot = sorted.length ? innerW / sorted.length : innerW;
  const barW = Math.max(1.5, Math.min(14, slot * 0.7));
  const y = (ms: number) => PAD.top + innerH - (ms / scaleMax) * innerH;

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} className="chart-svg">
        <title>{summary}</title>
        <defs>
          <pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="4" height="4" className="chart-fail-bg" />
            <line x1="0" y1="0" x2="0" y2="4" className="chart-fail-line" strokeWidth="2" />
          </pattern>
        </defs>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(scaleMax * f)} y2={y(scaleMax * f)} className="chart-grid" />
            <text x={PAD.left - 6} y={y(scaleMax * f) + 4} textAnchor="end" className="chart-label">
              {formatDuration(scaleMax * f)}
            </text>
          </g>
        ))}
        {p95 !== null && sorted.length > 4 ? (
          <g>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(p95)} y2={y(p95)} className="chart-p95" />
            <text x={WIDTH - PAD.right} y={y(p95) - 3} textAnchor="end" className="chart-label">
              p95
            </text>
          </g>
        ) : null}
        {sorted.map((point, i) => {
          const x = PAD.left + slot * i + (slot - barW) / 2;
          const top = y(point.ms);
          const h = Math.max(1.5, PAD.top + innerH - top);
          return (
            <g key={`${point.at}-${i}`}>
              <rect x={x} y={PAD.top + innerH - h} width={barW} height={h} rx={1} className={point.failed ? 'chart-bar-fail' : 'chart-bar'} fill={point.failed ? 'url(#hatch)' : undefined} />
              {point.failed ? <circle cx={x + barW / 2} cy={PAD.top + innerH - h - 4} r={2.2} className="chart-fail-dot" /> : null}
            </g>
          );
        })}
        {sorted.length === 0 ? (
          <text x={WIDTH / 2} y={HEIGHT / 2} textAnchor="middle" className="chart-label">
            No data yet
          </text>
        ) : null}
      </svg>
      <figcaption className="chart-caption" aria-hidden="true">
        <span>
          <span className="legend-swatch" data-kind="ok" /> completed
        </span>
        <span>
          <span className="legend-swatch" data-kind="fail" /> failed
        </span>
        {p50 !== null ? <span>median {formatDuration(p50)}</span> : null}
        {p95 !== null ? <span>p95 {formatDuration(p95)}</span> : null}
      </figcaption>
    </figure>
  );
}

function niceCeil(value: number): number {
  const exponent = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * exponent) return step * exponent;
  }
  return 10 * exponent;
}
