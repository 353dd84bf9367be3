/** Knobs for how long a machine-to-machine token is cached. */
export interface TtlOptions {
  /** Refresh this long before the server's stated expiry (clock skew, request latency). */
  bufferMs: number;
  /** Never cache for less: a zero/negative/missing lifetime must not turn every call into a token request. */
  minTtlMs: number;
  /** Never cache for more: an absurd lifetime must not pin a token for years. */
  maxTtlMs: number;
  /** Used when the server omits `expires_in` (RFC 6749 makes it optional). */
  defaultTtlMs: number;
}

export const DEFAULT_TTL_OPTIONS: TtlOptions = {
  bufferMs: 30_000,
  minTtlMs: 10_000,
  maxTtlMs: 24 * 60 * 60 * 1000,
  defaultTtlMs: 5 * 60 * 1000,
};

/**
 * How long to cache a token whose response said `expiresIn` (seconds, as parsed from JSON, so anything):
 * `max(expires_in - buffer, minTtl)`, capped at maxTtl. Missing/null → the default lifetime; zero,
 * negative, non-numeric strings, NaN or Infinity → minTtl (cache briefly, never storm, never crash).
 * A numeric string ("3600") is accepted, as some servers send one.
 */
export function cacheTtlMs(expiresIn: unknown, options: TtlOptions = DEFAULT_TTL_OPTIONS): number {
  const { bufferMs, minTtlMs, maxTtlMs, defaultTtlMs } = options;
  const clamp = (ms: number) => Math.min(Math.max(ms, minTtlMs), Math.max(maxTtlMs, minTtlMs));
  if (expiresIn === undefined || expiresIn === null) return clamp(defaultTtlMs - bufferMs);
  const seconds =
    typeof expiresIn === 'number'
      ? expiresIn
      : typeof expiresIn === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(expiresIn)
        ? Number(expiresIn)
        : Number.NaN;
  if (!Number.isFinite(seconds)) return minTtlMs;
  return clamp(seconds * 1000 - bufferMs);
}
