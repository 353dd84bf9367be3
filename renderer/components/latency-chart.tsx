import { formatDuration, formatTime, quantile } from '../lib/format.ts';

export interface LatencyPoint {
  at: number;
  /** null: no answer at all (a failed check); drawn as a full-height hatched band. */
  ms: number | null;
  failed: boolean;
}

const WIDTH = 640;
const HEIGHT = 150;
const PAD = { top: 10, right: 8, bottom: 26, left: 48 };

/**
 * Latency over time as an inline SVG bar chart (oldest on the left). Failed calls are hatched in the error
 * color and carry a dot, so they differ by shape, not color alone. When a few slow outliers (timeouts) would
 * flatten everything else, the scale turns logarithmic and says so. The chart is one image with a summary
 * sentence for screen readers; the page's table holds the same data.
 */
export function LatencyChart({ points, label }: { points: readonly LatencyPoint[]; label: string }) {
  const sorted = [...points].sort((a, b) => a.at - b.at).slice(-200);
  const values = sorted.flatMap((p) => (p.ms === null ? [] : [p.ms]));
  const p50 = quantile(values, 0.5);
  const p95 = quantile(values, 0.95);
  const max = Math.max(1, ...values);
  const failed = sorted.filter((p) => p.failed).length;
  const log = p50 !== null && p50 > 0 && max / p50 > 20;
  const scale = log ? logScale(Math.max(1, Math.min(...values)), max) : linearScale(max);
  const summary =
    sorted.length === 0
      ? `${label}: no data yet`
      : `${label}: ${sorted.length} samples, median ${formatDuration(p50)}, 95th percentile ${formatDuration(p95)}, slowest ${formatDuration(max)}${failed ? `, ${failed} failed` : ''}`;
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const baseline = PAD.top + innerH;
  const slot = sorted.length ? innerW / sorted.length : innerW;
  const barW = Math.max(1.5, Math.min(14, slot * 0.7));
  const y = (ms: number) => baseline - scale.fraction(ms) * innerH;
  const first = sorted[0];
  const last = sorted[sorted.length - 1];

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} className="chart-svg">
        <title>{summary}</title>
        <defs>
          <pattern
            id="hatch"
            width="4"
            height="4"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="4" height="4" className="chart-fail-bg" />
            <line x1="0" y1="0" x2="0" y2="4" className="chart-fail-line" strokeWidth="2" />
          </pattern>
        </defs>
        {scale.ticks.map((tick) => (
          <g key={tick}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} className="chart-grid" />
            <text x={PAD.left - 6} y={y(tick) + 3.5} textAnchor="end" className="chart-label">
              {formatDuration(tick)}
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
          if (point.ms === null) {
            return (
              <rect
                key={`${point.at}-${i}`}
                x={x}
                y={PAD.top}
                width={barW}
                height={innerH}
                className="chart-bar-none"
                fill="url(#hatch)"
              />
            );
          }
          const h = Math.max(1.5, baseline - y(point.ms));
          return (
            <g key={`${point.at}-${i}`}>
              <rect
                x={x}
                y={baseline - h}
                width={barW}
                height={h}
                rx={1}
                className={point.failed ? 'chart-bar-fail' : 'chart-bar'}
                fill={point.failed ? 'url(#hatch)' : undefined}
              />
              {point.failed ? (
                <circle cx={x + barW / 2} cy={baseline - h - 4} r={2.2} className="chart-fail-dot" />
              ) : null}
            </g>
          );
        })}
        {first && last ? (
          <>
            <text x={PAD.left} y={HEIGHT - 8} className="chart-label">
              {formatTime(first.at)}
            </text>
            <text x={WIDTH - PAD.right} y={HEIGHT - 8} textAnchor="end" className="chart-label">
              {formatTime(last.at)}
            </text>
          </>
        ) : (
          <text x={WIDTH / 2} y={HEIGHT / 2} textAnchor="middle" className="chart-label">
            No data yet
          </text>
        )}
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
        {log ? <span>logarithmic scale</span> : null}
      </figcaption>
    </figure>
  );
}

interface Scale {
  fraction: (ms: number) => number;
  ticks: number[];
}

function linearScale(max: number): Scale {
  const top = niceCeil(max);
  return { fraction: (ms) => Math.min(1, ms / top), ticks: [0, top / 2, top] };
}

function logScale(min: number, max: number): Scale {
  const lo = Math.pow(10, Math.floor(Math.log10(min)));
  const hi = Math.pow(10, Math.ceil(Math.log10(max)));
  const span = Math.log10(hi) - Math.log10(lo);
  const ticks: number[] = [];
  for (let t = lo; t <= hi; t *= 10) ticks.push(t);
  return {
    fraction: (ms) => Math.min(1, Math.max(0, (Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / span)),
    ticks,
  };
}

function niceCeil(value: number): number {
  const exponent = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * exponent) return step * exponent;
  }
  return 10 * exponent;
}
