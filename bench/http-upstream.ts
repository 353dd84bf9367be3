import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median, runCell, warmUp } from './measure.ts';
import type { Target } from './targets.ts';
import { directHttp, switchboard } from './targets.ts';

/**
 * A tools/call through the hub to a Streamable HTTP upstream (issue 15), on its own: the direct floor (an SDK v2
 * client → the echo fixture over Streamable HTTP), Switchboard with that fixture as its upstream, and optionally
 * the same for a copy of other sources (before/after). Rounds alternate the order so a busy machine's drift hits
 * every target alike; each round starts every target afresh. Prints per-round lines and the medians of the rounds:
 * c=1 p50, gateway CPU ms/call at c=1, and c=16 calls/s.
 *
 *   node bench/http-upstream.ts [--rounds 3] [--calls 1000] [--baseline-dir DIR]
 *
 * --baseline-dir DIR   also measure `DIR/main/cli.ts` (a copy of main/, preload/ and package.json, with a
 *                      node_modules symlink to this checkout's) as "before"
 */

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    calls: { type: 'string', default: '1000' },
    'baseline-dir': { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const calls = Number(values.calls);
const builds = [
  { name: 'Switchboard', entry: path.join(ROOT, 'main/cli.ts'), label: 'sources' },
  ...(values['baseline-dir'] === undefined
    ? []
    : [
        {
          name: 'before',
          entry: path.join(path.resolve(values['baseline-dir']), 'main/cli.ts'),
          label: 'sources',
        },
      ]),
];
const names = ['direct', ...builds.map((b) => b.name)];
const start = (name: string): Promise<Target> =>
  name === 'direct'
    ? directHttp('v2')
    : switchboard(
        builds.find((b) => b.name === name)!,
        { sdk: 'v2', upstream: 'http' },
      );

const results = new Map(
  names.map((n) => [n, { p50: [] as number[], cpu: [] as number[], c16: [] as number[] }]),
);
const log = (line: string) => process.stderr.write(`[http-upstream] ${line}\n`);
log(`load average ${os.loadavg()[0]!.toFixed(2)} at start`);
for (let round = 0; round < rounds; round++) {
  for (const name of round % 2 === 0 ? names : [...names].reverse()) {
    const target = await start(name);
    try {
      await warmUp(() => target.call(), { calls: 200, ms: 3000 });
      const options = { maxCalls: calls, maxMs: 10_000, gatewayPid: target.gatewayPid };
      const one = await runCell(() => target.call(), { concurrency: 1, ...options });
      const sixteen = await runCell(() => target.call(), { concurrency: 16, ...options });
      const row = results.get(name)!;
      row.p50.push(one.p50Ms);
      if (one.gatewayCpuMsPerCall !== undefined) row.cpu.push(one.gatewayCpuMsPerCall);
      row.c16.push(sixteen.callsPerSecond);
      log(
        `round ${round + 1} ${name}: c=1 p50 ${one.p50Ms.toFixed(2)} ms` +
          (one.gatewayCpuMsPerCall === undefined
            ? ''
            : `, CPU ${one.gatewayCpuMsPerCall.toFixed(2)} ms/call`) +
          `; c=16 ${Math.round(sixteen.callsPerSecond)} calls/s (${one.errors + sixteen.errors} errors)`,
      );
    } finally {
      await target.close();
    }
  }
}
log(`load average ${os.loadavg()[0]!.toFixed(2)} at end`);
const direct = median(results.get('direct')!.p50);
process.stdout.write(
  '| target | c=1 p50 ms (median of rounds) | vs direct | gateway CPU ms/call, c=1 | c=16 calls/s |\n',
);
process.stdout.write('| --- | ---: | ---: | ---: | ---: |\n');
for (const [name, row] of results) {
  const p50 = median(row.p50);
  const cpu = row.cpu.length === 0 ? '—' : median(row.cpu).toFixed(2);
  const over = name === 'direct' ? '—' : `+${(p50 - direct).toFixed(2)} ms`;
  process.stdout.write(
    `| ${name} | ${p50.toFixed(2)} (${row.p50.map((v) => v.toFixed(2)).join(', ')}) | ${over} | ${cpu} | ${Math.round(median(row.c16))} |\n`,
  );
}
