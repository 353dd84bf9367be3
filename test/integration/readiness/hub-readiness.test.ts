import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HealthStatus } from '../../../main/health/health-status.ts';
import { createHealthHistoryRepository } from '../../../main/registry/health-history-repository.ts';
import { secretForms } from '../../../main/lib/secret-forms.ts';
import { filesContaining } from '../../helpers/cli.ts';
import { removeTempDirs } from '../../fixtures/registry/temp-registry.ts';
import type { TestHub } from './readiness-hub.ts';
import { startTestHub, textOf, waitFor } from './readiness-hub.ts';
import { processesWith } from './serve-process.ts';

const FIXTURE = fileURLToPath(new URL('../../fixtures/readiness/readiness-server.ts', import.meta.url));
// Quotes, a backslash and non-ASCII (issue 12.6): their JSON-escaped, URL-encoded and base64 forms must not
// get out either, so every sink is searched for every form secretForms() knows.
const CANARY = 'CANARY-5f0c9e2a-"quoted\\back\u00e9-secret';
const CANARY_FORMS = secretForms(CANARY);
// Real processes and real timings: generous bounds for loaded CI machines.
vi.setConfig({ testTimeout: 90_000 });

let running: TestHub | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  removeTempDirs();
});

function fixtureServer(prefix: string, extra: Record<string, unknown> = {}) {
  return {
    prefix,
    name: prefix,
    transport: 'stdio',
    command: process.execPath,
    args: [FIXTURE, `--marker=${prefix}`],
    ...extra,
  };
}

describe('server readiness through the real hub services', () => {
  it('variables reach the upstream; changing one restarts only that server with the new value', async () => {
    running = await startTestHub({
      before(hub) {
        hub.registry.servers.add(
          fixtureServer('vars', {
            args: [FIXTURE, '--marker=vars', '--region=${REGION}'],
            env: { GREETING: 'hello $${NOT_A_VAR} ${REGION}' },
            envVars: [
              { name: 'API_KEY', required: true, secret: true },
              { name: 'REGION', required: false, secret: false, default: 'eu' },
            ],
          }),
        );
        hub.registry.servers.add(fixtureServer('other'));
        hub.variables.set('vars', 'API_KEY', 'key-1');
      },
    });
    const { runtime: services, hub } = running;
    const client = await running.client();
    await waitFor(
      async () =>
        (await client.listTools()).tools.filter((t) => ['vars__env', 'other__pid'].includes(t.name))
          .length === 2,
      15_000,
      'tools',
    );

    const env = async () =>
      JSON.parse(
        textOf(await client.callTool({ name: 'vars__env', arguments: { names: 'API_KEY,REGION,GREETING' } })),
      );
    expect(await env()).toEqual({ API_KEY: 'key-1', REGION: 'eu', GREETING: 'hello ${NOT_A_VAR} eu' });
    const pid = async (prefix: string) =>
      textOf(await client.callTool({ name: `${prefix}__pid`, arguments: {} }));
    const varsPid = await pid('vars');
    const otherPid = await pid('other');

    hub.variables.set('vars', 'REGION', 'us');
    await services.serversChanged('vars');
    await waitFor(async () => (await pid('vars')) !== varsPid, 10_000, 'vars restarted');
    expect(await env()).toEqual({ API_KEY: 'key-1', REGION: 'us', GREETING: 'hello ${NOT_A_VAR} us' });
    expect(await pid('other')).toBe(otherPid);

    // Secrets too: a new secret value restarts only that server and arrives as configured.
    hub.variables.set('vars', 'API_KEY', 'key-2');
    await services.serversChanged('vars');
    await waitFor(async () => (await env()).API_KEY === 'key-2', 10_000, 'new secret');
    expect(await pid('other')).toBe(otherPid);
  });

  it('a missing required variable: needs_config listing it, an actionable isError, and no process', async () => {
    running = await startTestHub({
      before(hub) {
        hub.registry.servers.add(
          fixtureServer('needy', {
            args: [FIXTURE, '--marker=needy-7731'],
            env: { TOKEN_COPY: '${TOKEN}' },
            envVars: [
              { name: 'TOKEN', required: true, secret: true },
              { name: 'MODE', required: false, secret: false },
            ],
          }),
        );
        hub.variables.set('needy', 'TOKEN', 'present');
      },
    });
    const { runtime: services, hub } = running;
    const client = await running.client();
    await waitFor(
      async () => (await client.listTools()).tools.some((t) => t.name === 'needy__env'),
      15_000,
      'tools',
    );
    expect(processesWith('--marker=needy-7731')).toHaveLength(1);

    expect(hub.variables.clear('needy')).toBe(1);
    await services.serversChanged('needy');
    const state = await waitFor(
      () =>
        services.health.status('needy')?.status === 'needs_config'
          ? services.health.status('needy')
          : undefined,
      10_000,
      'needs_config',
    );
    expect(state.missing).toEqual(['TOKEN']);
    expect(state.lastError?.message).toContain('TOKEN');
    expect(services.pool.status('needy')).toMatchObject({ state: 'needs_config', missing: ['TOKEN'] });
    await waitFor(() => processesWith('--marker=needy-7731').length === 0, 10_000, 'process gone');

    const result = await client.callTool({ name: 'needy__env', arguments: { names: 'TOKEN' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/needy needs TOKEN/);
    expect(textOf(result)).toContain('switchboard secret set needy TOKEN');
    // Still nothing was started for it.
    expect(processesWith('--marker=needy-7731')).toHaveLength(0);
    expect(services.pool.status('needy')?.pid).toBeUndefined();
  });

  it('a secret never shows in logs, errors, call-log rows, health rows or captured stderr', async () => {
    running = await startTestHub({
      before(hub) {
        hub.registry.servers.add(
          fixtureServer('leaky', {
            env: { LEAK_VAR: 'API_KEY' },
            envVars: [{ name: 'API_KEY', required: true, secret: true }],
          }),
        );
        hub.variables.set('leaky', 'API_KEY', CANARY);
      },
    });
    const { runtime: services, hub, logs, dataDir } = running;
    const client = await running.client();
    await waitFor(
      async () => (await client.listTools()).tools.some((t) => t.name === 'leaky__leak'),
      15_000,
      'tools',
    );

    // A tool RESULT carrying a vault secret — even the server's own — reaches the client with the leak guard's
    // marker instead (issue 14; docs/decisions/tool-pins-and-leak-guard.md). Everything Switchboard itself
    // writes or shows is redacted.
    const leak = await client.callTool({ name: 'leaky__leak', arguments: {} });
    expect(textOf(leak)).toBe('the secret is [REDACTED:vault-secret]');
    const failure = await client.callTool({ name: 'leaky__leak_error', arguments: {} });
    expect(failure.isError).toBe(true);
    expect(textOf(failure)).toContain('bad key [REDACTED]');
    const crash = await client.callTool({ name: 'leaky__crash', arguments: {} });
    expect(crash.isError).toBe(true);
    await waitFor(
      () => services.pool.stderr('leaky').some((l) => l.text.startsWith('crashing with')),
      10_000,
      'stderr',
    );
    await services.health.checkNow('leaky');
    await new Promise((r) => setTimeout(r, 400)); // the call log writer flushes every 250 ms

    const stderr = services.pool.stderr('leaky').map((l) => l.text);
    expect(stderr).toContain('starting with API_KEY=[REDACTED]');
    expect(stderr).toContain('tool leak: [REDACTED]');
    const rows = hub.registry.db.connection.prepare('SELECT * FROM call_log').all();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const history = hub.registry.db.connection.prepare('SELECT * FROM health_history').all();
    const shown = [
      ...logs,
      ...stderr,
      textOf(failure),
      textOf(crash),
      JSON.stringify(rows),
      JSON.stringify(history),
      JSON.stringify(services.health.all()),
      JSON.stringify(services.pool.statuses()),
      JSON.stringify(hub.variables.list('leaky')),
      JSON.stringify(hub.registry.servers.get('leaky')),
    ];
    expect(CANARY_FORMS.length).toBeGreaterThan(4);
    for (const text of shown) for (const form of CANARY_FORMS) expect(text).not.toContain(form);
    await running.close();
    running = undefined;
    // Nothing in the data directory holds it in clear, in any form (the vault encrypts it).
    for (const form of CANARY_FORMS) expect(filesContaining(dataDir, form)).toEqual([]);
  });

  it('every status: healthy, slow, failing, crashing, needing auth, needing config, disabled, idle-stopped', async () => {
    const http = await import('node:http');
    // A remote server that refuses every request without a token, as OAuth-protected servers do.
    const locked = http.createServer((req, res) => {
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="locked"', 'content-type': 'application/json' });
      res.end('{"error":"unauthorized"}');
    });
    await new Promise<void>((resolve) => locked.listen(0, '127.0.0.1', resolve));
    const lockedUrl = `http://127.0.0.1:${(locked.address() as { port: number }).port}/mcp`;
    try {
      running = await startTestHub({
        // Slow = a 2.5 s tools/list against a 1.2 s threshold: far from what a loaded machine adds to a fast one.
        healthSettings: { slowMs: 1200 },
        before(hub) {
          hub.registry.settings.set('upstream.idleTimeoutSeconds', 1);
          const add = (def: Record<string, unknown>) => hub.registry.servers.add(def);
          add(fixtureServer('ok', { keepRunning: true }));
          add(fixtureServer('slow', { keepRunning: true, env: { LIST_DELAY_MS: '2500' } }));
          add(fixtureServer('failing', { command: '/nonexistent/switchboard-no-such-command' }));
          add(fixtureServer('crashy', { keepRunning: true }));
          add({
            prefix: 'signin',
            name: 'signin',
            transport: 'http',
            url: lockedUrl,
            auth: { kind: 'oauth', flow: 'authorization_code' },
          });
          add({ prefix: 'refused', name: 'refused', transport: 'http', url: lockedUrl });
          add(fixtureServer('config', { envVars: [{ name: 'NEEDED', required: true, secret: true }] }));
          add(fixtureServer('off', { enabled: false }));
          add(fixtureServer('idle'));
        },
      });
      const { runtime: services } = running;
      const seen = new Map<string, HealthStatus[]>();
      services.health.onChange(({ prefix, current }) => {
        if (current) seen.set(prefix, [...(seen.get(prefix) ?? []), current.status]);
      });
      const statusOf = (prefix: string) => services.health.status(prefix)?.status;
      // Every recorded result, oldest first (transitions before the listener above was attached included).
      const historyOf = (prefix: string) =>
        createHealthHistoryRepository(running!.hub.registry.db)
          .lastN(running!.hub.registry.servers.idOf(prefix), 50)
          .map((r) => r.status)
          .reverse();
      const expectStatus = (prefix: string, status: HealthStatus) =>
        waitFor(
          () => statusOf(prefix) === status,
          45_000,
          () => `${prefix} ${status} (now ${statusOf(prefix)})`,
        );

      await expectStatus('ok', 'healthy');
      await expectStatus('slow', 'degraded');
      expect(services.health.status('slow')?.degradedBy).toBe('slow');
      await expectStatus('failing', 'unhealthy');
      expect(services.health.status('failing')?.lastError?.code).toBe('UPSTREAM_UNAVAILABLE');
      await expectStatus('signin', 'needs_auth');
      await expectStatus('refused', 'needs_auth');
      expect(services.health.status('refused')?.lastError?.message).toMatch(
        // No resource metadata in its 401: not an OAuth sign-in, so the advice is to add credentials.
        /^refused answered HTTP 401: it needs credentials\. Add them/,
      );
      await expectStatus('config', 'needs_config');
      expect(services.health.status('config')?.missing).toEqual(['NEEDED']);
      await expectStatus('off', 'disabled');
      // Idle: it ran (probed), then the pool stopped it after 1 s without calls.
      await waitFor(() => historyOf('idle').includes('healthy'), 45_000, 'idle healthy first');
      await expectStatus('idle', 'stopped');

      // Crashing: a healthy server whose process dies is unhealthy until the pool has restarted it.
      await expectStatus('crashy', 'healthy');
      const client = await running.client();
      await waitFor(
        async () => (await client.listTools()).tools.some((t) => t.name === 'crashy__crash'),
        10_000,
        'tools',
      );
      await client.callTool({ name: 'crashy__crash', arguments: {} });
      await waitFor(() => seen.get('crashy')?.includes('unhealthy'), 10_000, 'crashy unhealthy');
      expect(services.health.status('crashy')?.lastError?.code).toBe('UPSTREAM_UNAVAILABLE');
      await expectStatus('crashy', 'healthy');

      // Enabling a disabled server leaves `disabled`; disabling a healthy one enters it.
      running.hub.registry.servers.setEnabled('ok', false);
      await services.serversChanged('ok');
      await expectStatus('ok', 'disabled');

      // The same statuses, read back the way `switchboard status` does in another process.
      const { statusRowsFromHistory } = await import('../../../main/health/status-report.ts');
      const rows = statusRowsFromHistory(
        running.hub.registry.servers.list().map((s) => ({ id: s.id, prefix: s.prefix, enabled: s.enabled })),
        createHealthHistoryRepository(running.hub.registry.db).latestPerServer(),
        Date.now(),
      );
      const byPrefix = Object.fromEntries(rows.map((r) => [r.prefix, r.status]));
      expect(byPrefix).toMatchObject({
        ok: 'disabled',
        slow: 'degraded',
        failing: 'unhealthy',
        signin: 'needs_auth',
        refused: 'needs_auth',
        config: 'needs_config',
        off: 'disabled',
      });
    } finally {
      await running?.close();
      running = undefined;
      locked.closeAllConnections();
      await new Promise<void>((resolve) => locked.close(() => resolve()));
    }
  });

  it('a newly added working server turns healthy long before the probe interval (minutes)', async () => {
    running = await startTestHub({ healthSettings: { intervalMs: 10 * 60_000 } });
    const { runtime: services, hub } = running;
    const created = Date.now();
    hub.registry.servers.add(fixtureServer('fresh'));
    await services.serversChanged('fresh');
    // Generous bound (a loaded 2-core machine): speed is measured in bench/, never asserted in tests.
    await waitFor(() => services.health.status('fresh')?.status === 'healthy', 30_000, 'fresh healthy');
    expect(Date.now() - created).toBeLessThan(30_000);
  });
});
