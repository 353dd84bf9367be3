import type { Clock } from '../lib/clock.ts';
import type { ErrorCode } from '../lib/errors.ts';
import { isSwitchboardError } from '../lib/errors.ts';
import type { ProbeResult } from './health-status.ts';

/** What a successful probe reports; without a latency, the monitor's own measurement is used. */
export interface ProbeSuccess {
  /** Time of the ping/discover + tools/list round trips, WITHOUT process start, so a cold start is not "slow". */
  latencyMs?: number;
}

/** Checks one server: resolves when it answered, rejects (ideally with a SwitchboardError) when it did not. */
export type ProbeFn = (prefix: string, signal: AbortSignal) => Promise<ProbeSuccess>;

/** Timer functions, injected so tests drive time. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RunProbeOptions {
  prefix: string;
  probe: ProbeFn;
  /** Aborted by the caller when the probe is superseded or the monitor stops; aborted here on timeout. */
  controller: AbortController;
  timeoutMs: number;
  timers: Timers;
  clock: Clock;
  redact: (text: string) => string;
}

/**
 * Runs one probe bounded by a timeout and turns whatever happens into a ProbeResult; never rejects.
 * On timeout or abort it stops waiting at once, even when the probe ignores its signal.
 */
export async function runProbe(options: RunProbeOptions): Promise<ProbeResult> {
  const { controller, timers, clock, redact, timeoutMs } = options;
  const started = clock.now();
  const elapsed = () => Math.max(0, clock.now() - started);

  const attempt = (async (): Promise<ProbeResult> => {
    try {
      const success = await options.probe(options.prefix, controller.signal);
      const reported = success?.latencyMs;
      const latencyMs =
        typeof reported === 'number' && Number.isFinite(reported) && reported >= 0 ? reported : elapsed();
      return { ok: true, latencyMs: Math.round(latencyMs) };
    } catch (error) {
      return probeFailure(error, elapsed(), redact);
    }
  })();

  let handle: unknown;
  let onAbort: (() => void) | undefined;
  const cutOff = new Promise<ProbeResult>((resolve) => {
    handle = timers.setTimeout(() => {
      resolve({
        ok: false,
        latencyMs: timeoutMs,
        error: `no answer to the health check within ${formatSeconds(timeoutMs)}`,
        errorCode: 'UPSTREAM_TIMEOUT',
      });
      controller.abort();
    }, timeoutMs);
    onAbort = () =>
      resolve({ ok: false, latencyMs: elapsed(), error: 'health check cancelled', errorCode: 'INTERNAL' });
    if (controller.signal.aborted) onAbort();
    else controller.signal.addEventListener('abort', onAbort, { once: true });
  });

  try {
    return await Promise.race([attempt, cutOff]);
  } finally {
    timers.clearTimeout(handle);
    if (onAbort) controller.signal.removeEventListener('abort', onAbort);
  }
}

/** A failed ProbeResult for anything a probe threw, with a redacted message a person can act on. */
export function probeFailure(
  error: unknown,
  latencyMs: number | null,
  redact: (text: string) => string,
): ProbeResult {
  if (isSwitchboardError(error)) {
    const missing = missingOf(error.details);
    return {
      ok: false,
      latencyMs,
      error: redact(error.message),
      errorCode: error.code,
      ...(missing ? { missing } : {}),
    };
  }
  // Anything else came from the transport or the server (SDK errors, fetch's "fetch failed" whose cause
  // says ECONNREFUSED…), not from a bug of ours: call it an upstream error and keep the cause's words.
  const code: ErrorCode = 'UPSTREAM_ERROR';
  return { ok: false, latencyMs, error: redact(describe(error)), errorCode: code };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  const message = error.message || error.name;
  return cause && !message.includes(cause) ? `${message}: ${cause}` : message;
}

function missingOf(details: unknown): string[] | undefined {
  const missing = (details as { missing?: unknown } | null | undefined)?.missing;
  return Array.isArray(missing) && missing.every((m) => typeof m === 'string') ? missing : undefined;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
