import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { ProfileSummary } from './cpu-profile.ts';
import { formatProfileSummary, summarizeProfileDir } from './cpu-profile.ts';
import type { CellResult } from './measure.ts';
import { runCell, warmUp } from './measure.ts';
import type { SwitchboardBuild } from './targets.ts';
import { switchboard } from './targets.ts';

/**
 * `serve` under `node --cpu-prof`, driven by an SDK v2 client at each concurrency against the echo fixture; the
 * profile is folded into self time per module (cpu-profile.ts). Run on its own to see where a change moved time:
 *
 *   node bench/profile-serve.ts [--entry main/cli.ts] [--calls 1500] [--upstream http] [--keep DIR]
 */

export interface ServeProfile {
  build: string;
  callsPerCell: number;
  cells: CellResult[];
  summary: ProfileSummary | undefined;
}

export async function profileServe(
  build: SwitchboardBuild,
  options: {
    callsPerCell: number;
    concurrencies: number[];
    log?: (line: string) => void;
    upstream?: 'stdio' | 'http';
    /** Also copy the raw .cpuprofile here (for a call-tree look in DevTools or a script). */
    keepDir?: string;
  },
): Promise<ServeProfile> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cpu-prof-'));
  try {
    const target = await switchboard(build, {
      nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir],
      upstream: options.upstream ?? 'stdio',
    });
    const cells: CellResult[] = [];
    try {
      const call = () => target.call();
      await warmUp(call, { calls: 100, ms: 3000 });
      for (const concurrency of options.concurrencies) {
        const cell = await runCell(call, {
          concurrency,
          maxCalls: options.callsPerCell,
          maxMs: 60_000,
          gatewayPid: target.gatewayPid,
        });
        options.log?.(
          `profile ${build.name} c=${concurrency}: ${cell.calls} calls, ${Math.round(cell.callsPerSecond)} calls/s, ` +
            `CPU ${cell.gatewayCpuMsPerCall?.toFixed(3) ?? 'n/a'} ms/call`,
        );
        cells.push(cell);
      }
    } finally {
      await target.close(); // SIGTERM: serve exits normally, and Node writes the profile on the way out.
    }
    if (options.keepDir !== undefined) fs.cpSync(dir, options.keepDir, { recursive: true });
    return {
      build: build.name,
      callsPerCell: options.callsPerCell,
      cells,
      summary: summarizeProfileDir(dir),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      entry: { type: 'string' },
      calls: { type: 'string' },
      name: { type: 'string' },
      upstream: { type: 'string' },
      keep: { type: 'string' },
    },
  });
  const entry = path.resolve(
    values.entry ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../main/cli.ts'),
  );
  const log = (line: string) => process.stderr.write(`[profile] ${line}\n`);
  const result = await profileServe(
    { name: values.name ?? entry, entry, label: 'sources' },
    {
      callsPerCell: Number(values.calls ?? 1500),
      concurrencies: [1, 16, 64],
      log,
      upstream: values.upstream === 'http' ? 'http' : 'stdio',
      keepDir: values.keep,
    },
  );
  if (result.summary) {
    for (const line of formatProfileSummary(result.build, result.summary)) process.stdout.write(`${line}\n`);
    process.stdout.write('top functions:\n');
    for (const f of result.summary.functions)
      process.stdout.write(`  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}\n`);
  } else process.stdout.write('no profile was written\n');
  setTimeout(() => process.exit(0), 500).unref();
}
