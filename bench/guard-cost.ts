import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openHub, type Hub } from '../main/hub.ts';
import { silentLogger } from '../main/lib/logger.ts';
import { createCredentialRules } from '../main/guard/credential-rules.ts';
import { createSecretScanner } from '../main/guard/secret-scanner.ts';
import { readVaultSecrets } from '../main/guard/vault-secrets.ts';
import { randomKey } from '../main/vault/aes-gcm.ts';
import { createMemoryKeyProviderForTests } from '../main/vault/memory-key-provider.ts';
import { GUARD_FIXTURES } from '../test/fixtures/servers/guard-fixtures.ts';
import { quantile } from './measure.ts';

/**
 * What the secret-leak guard (issue 14) costs per tool call: the p50 of a call through Switchboard's one
 * tool-call path (pool, stdio upstream, hooks, call log) with the server's leak guard `redact` (scanning) next to
 * the same calls with it `off` (no scanning), for a typical result (2 KiB of text) and a 1 MiB result, as
 * added milliseconds and as a ratio; and the scan alone (the hook's work on the same result). The vault holds
 * 24 secrets of 12 servers (API keys, and OAuth-sized JWT tokens). Off and on alternate in small batches so a
 * busy machine's drift hits both alike.
 *
 *   node bench/guard-cost.ts [--quick]        (also run by `npm run bench`)
 */

export interface GuardCostRow {
  result: string;
  bytes: number;
  calls: number;
  offP50Ms: number;
  onP50Ms: number;
  addedP50Ms: number;
  ratio: number;
  scanP50Ms: number;
}

export interface GuardCostResult {
  secrets: number;
  forms: number;
  rows: GuardCostRow[];
  /** Markdown, for the report and the decision doc. */
  lines: string[];
}

const PREFIX = 'payload';

export async function measureGuardCost(options: {
  quick?: boolean;
  log?: (line: string) => void;
}): Promise<GuardCostResult> {
  const log = options.log ?? (() => undefined);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-guard-'));
  let hub: Hub | undefined;
  try {
    hub = openHub({
      dataDir: path.join(root, 'data'),
      env: {},
      keyProviders: [createMemoryKeyProviderForTests({ kek: randomKey() })],
      log: silentLogger,
      clients: { platform: 'linux', home: root, env: {} },
    });
    await fillVault(hub);
    await hub.useCases.servers.add({
      prefix: PREFIX,
      name: 'Payload',
      transport: 'stdio',
      command: process.execPath,
      args: [GUARD_FIXTURES.leak],
      keepRunning: true,
    });
    await hub.start({ listen: false, health: false, watchRegistry: false });
    const read = readVaultSecrets(hub.registry.db.connection, hub.vault, silentLogger);
    const scanner = createSecretScanner(read.secrets, createCredentialRules());
    const cases = [
      { result: 'typical (2 KiB text)', bytes: 2048, calls: options.quick ? 100 : 600 },
      { result: '1 MiB text', bytes: 1024 * 1024, calls: options.quick ? 10 : 40 },
    ];
    const rows: GuardCostRow[] = [];
    for (const c of cases) {
      const call = () => hub!.useCases.tools.call(PREFIX, 'payload', { bytes: c.bytes });
      for (let i = 0; i < Math.min(20, c.calls); i++) await call(); // warm-up (JIT, process, caches)
      const timings = { off: [] as number[], on: [] as number[] };
      const batch = c.bytes > 100_000 ? 2 : 20;
      for (let done = 0; done < c.calls; done += batch) {
        for (const mode of ['off', 'on'] as const) {
          await hub.useCases.pins.setPolicies(PREFIX, { leakGuard: mode === 'on' ? 'redact' : 'off' });
          for (let i = 0; i < batch; i++) {
            const started = performance.now();
            const result = await call();
            timings[mode].push(performance.now() - started);
            if (result.isError) throw new Error(`payload call failed: ${JSON.stringify(result.content)}`);
          }
        }
      }
      const sample = (await call()).content;
      const scans: number[] = [];
      for (let i = 0; i < Math.max(20, c.calls); i++) {
        const started = performance.now();
        scanner.scanResult({ content: sample });
        scans.push(performance.now() - started);
      }
      const p50 = (values: number[]) =>
        quantile(
          [...values].sort((a, b) => a - b),
          0.5,
        );
      const off = p50(timings.off);
      const on = p50(timings.on);
      rows.push({
        result: c.result,
        bytes: c.bytes,
        calls: timings.on.length,
        offP50Ms: off,
        onP50Ms: on,
        addedP50Ms: on - off,
        ratio: on / off,
        scanP50Ms: p50(scans),
      });
      log(
        `leak guard, ${c.result}: p50 ${off.toFixed(2)} ms off, ${on.toFixed(2)} ms on (×${(on / off).toFixed(2)})`,
      );
    }
    const lines = [
      `Leak guard cost (${read.secrets.length} vault secrets, ${scanner.forms} forms searched, ${os.availableParallelism()} cores, Node ${process.version}):`,
      '',
      '| result | calls per mode | p50 guard off | p50 guard on (redact) | added p50 | ratio | scan alone p50 |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...rows.map(
        (r) =>
          `| ${r.result} | ${r.calls} | ${r.offP50Ms.toFixed(2)} ms | ${r.onP50Ms.toFixed(2)} ms | ${r.addedP50Ms.toFixed(2)} ms | ×${r.ratio.toFixed(2)} | ${r.scanP50Ms.toFixed(3)} ms |`,
      ),
    ];
    return { secrets: read.secrets.length, forms: scanner.forms, rows, lines };
  } finally {
    await hub?.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** 12 servers with two secrets each: an API key, and a JWT the size of an OAuth access token. */
async function fillVault(hub: Hub): Promise<void> {
  const random = (n: number) =>
    Array.from(
      { length: n },
      () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 62)],
    ).join('');
  for (let i = 0; i < 12; i++) {
    await hub.useCases.servers.add(
      {
        prefix: `vault-${i}`,
        name: `Vault ${i}`,
        transport: 'stdio',
        command: process.execPath,
        args: ['-e', '0'],
        enabled: false,
        envVars: [
          { name: 'API_KEY', secret: true },
          { name: 'ACCESS_TOKEN', secret: true },
        ],
      },
      {
        values: {
          API_KEY: `key-${random(32)}`,
          ACCESS_TOKEN: `eyJ${random(40)}.eyJ${random(900)}.${random(86)}`,
        },
      },
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureGuardCost({
    quick: process.argv.includes('--quick'),
    log: (line) => process.stderr.write(`[bench] ${line}\n`),
  });
  process.stdout.write(result.lines.join('\n') + '\n');
}
