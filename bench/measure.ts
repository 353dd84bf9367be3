import { readFileSync } from 'node:fs';
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
  /**
   * CPU time (user + system) the gateway process spent per completed call during the cell, when there is a
   * gateway and /proc: unlike latency and calls/s it barely moves with the machine's load.
   */
  gatewayCpuMsPerCall?: number;
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
 * Calls `call` one at a time, at least `calls` times and for at least `ms`, before a target is measured: the JIT
 * warms up, and whatever a gateway still does after it listens (Switchboard builds its core, syncs its pool, runs
 * its first health checks and asks the login shell for PATH then) is over before the first cell, which measures
 * the steady cost of a call. Start-up has its own measurements (cold start, first call).
 */
export async function warmUp(
  call: () => Promise<unknown>,
  budget: { calls: number; ms: number },
): Promise<void> {
  const until = performance.now() + budget.ms;
  for (let i = 0; i < budget.calls || performance.now() < until; i++) await call();
}

/**
 * Runs `call` with `concurrency` workers until `maxCalls` calls are done or `maxMs` passed, whichever first
 * (bounded both ways). Each call's latency is measured on its own; calls/s is completed calls over wall time.
 */
export async function runCell(
  call: () => Promise<unknown>,
  options: { concurrency: number; maxCalls: number; maxMs: number; gatewayPid?: number },
): Promise<CellResult> {
  const cpuBefore = options.gatewayPid === undefined ? undefined : cpuMs(options.gatewayPid);
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
  const cpuAfter = options.gatewayPid === undefined ? undefined : cpuMs(options.gatewayPid);
  const gatewayCpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
  return {
    concurrency: options.concurrency,
    calls: latencies.length,
    errors,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    callsPerSecond: (latencies.length / wallMs) * 1000,
    wallMs,
    gatewayCpuMsPerCall:
      gatewayCpuMs !== undefined && latencies.length > 0 ? gatewayCpuMs / latencies.length : undefined,
  };
}

/** User + system CPU time of a process so far, in ms (Linux /proc; clock ticks of 10 ms), or undefined. */
export function cpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
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
