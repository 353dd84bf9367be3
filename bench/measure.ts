import { performance } from 'node:perf_hooks';

/** Latency and throughput of one cell: one target at one concurrency. */
export interface CellResult {
  concurrency: number;
  calls: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  callsPerSecond: number;
  wallMs: number;
}

/** The q-quantile (0..1) of sorted values, nearest-rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median of unsorted values. */
export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/**
 * Runs `call` with `concurrency` workers until `maxCalls` calls are done or `maxMs` passed, whichever first
 * (bounded both ways). Each call's latency is measured on its own; calls/s is completed calls over wall time.
 */
export async function runCell(
  call: () => Promise<unknown>,
  options: { concurrency: number; maxCalls: number; maxMs: number },
): Promise<CellResult> {
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  const begin = performance.now();
  const deadline = begin + options.maxMs;
  const worker = async () => {
    while (started < options.maxCalls && performance.now() < deadline) {
      started += 1;
      const t0 = performance.now();
      try {
        await call();
        latencies.push(performance.now() - t0);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const wallMs = performance.now() - begin;
  latencies.sort((a, b) => a - b);
  return {
    concurrency: options.concurrency,
    calls: latencies.length,
    errors,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    callsPerSecond: (latencies.length / wallMs) * 1000,
    wallMs,
  };
}

/** Resident set size of a process in MiB (Linux /proc), or undefined elsewhere / when it is gone. */
export async function rssMiB(pid: number): Promise<number | undefined> {
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}
