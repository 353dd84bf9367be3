import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../../main/ipc/auth.ts';
import { createCliOpener } from '../../../main/oauth/browser-opener.ts';
import { driveDevInteractions } from '../../fixtures/oauth/dev-interactions-driver.ts';
import type { OidcHarness } from '../../fixtures/oauth/oidc-harness.ts';
import { startOidcHarness } from '../../fixtures/oauth/oidc-harness.ts';
import type { ProtectedServer } from '../../fixtures/oauth/protected-mcp-server.ts';
import { startProtectedServer } from '../../fixtures/oauth/protected-mcp-server.ts';
import { removeTempDirs } from '../../fixtures/registry/temp-registry.ts';
import type { TestHub } from '../readiness/readiness-hub.ts';
import { startTestHub, waitFor } from '../readiness/readiness-hub.ts';

/**
 * Issue 11.4 through the REAL runtime and the auth use-cases the window calls (`auth.start`, `auth.attempt`,
 * `auth.cancel`): a server added with auth "None" that answers 401 with resource metadata is detected, the
 * Connect answers at once with the page to SHOW (the hub opens nothing in web mode), the flow it needs is
 * stored in its definition, the sign-in completes through the provider's real pages and the hub's own
 * callback, and the hub's log never holds the authorization URL (12.10). Tokens are never printed.
 */

let idp: OidcHarness;
let upstream: ProtectedServer;
let running: TestHub;
const opened: URL[] = [];
/** What `serve`'s own opener printed: serve's stderr is its log (issue 12.10). */
const printed: string[] = [];
const serveOpener = createCliOpener({ print: (text) => printed.push(text), tryOpen: false });

beforeAll(async () => {
  idp = await startOidcHarness();
  upstream = await startProtectedServer({ issuer: idp.issuer });
  idp.allowResource(upstream.resource);
  running = await startTestHub({
    openBrowser: async (url, how) => {
      opened.push(url);
      await serveOpener(url, how);
    },
  });
}, 60_000);

afterAll(async () => {
  await running?.close();
  await upstream?.close();
  await idp?.close();
  removeTempDirs();
});

describe('Connect from the window (web mode) for a server added without authentication', () => {
  it('detects the need, shows the page, stores the flow, connects; the log names the origin only', async () => {
    const { hub, runtime } = running;
    hub.registry.servers.add({ prefix: 'notes', name: 'Notes', transport: 'http', url: upstream.url });
    await runtime.serversChanged('notes');
    await runtime.health.checkNow('notes');
    await waitFor(() => runtime.health.status('notes')?.status === 'needs_auth', 20_000, 'notes needs_auth');
    expect(await hub.useCases.auth.status('notes')).toMatchObject({
      flow: 'authorization_code',
      discovered: true,
    });

    const changed: string[] = [];
    const off = runtime.on('auth.changed', ({ prefix }) => changed.push(prefix));
    const attempt = await hub.useCases.auth.start('notes', { openBrowser: false });
    expect(attempt.state).toBe('waiting');
    expect(opened).toEqual([]);
    // The flow it needs is now part of its definition: every view and process agrees.
    const stored = hub.registry.servers.get('notes');
    expect(stored.transport === 'stdio' ? undefined : stored.auth).toEqual({
      kind: 'oauth',
      flow: 'authorization_code',
    });
    expect((await hub.useCases.auth.attempt('notes'))?.authorizationUrl).toBe(attempt.authorizationUrl);

    const page = new URL(attempt.authorizationUrl!);
    const port = runtime.front()!.port;
    expect(page.searchParams.get('redirect_uri')).toBe(`http://127.0.0.1:${port}/oauth/callback`);
    const callback = await driveDevInteractions(page, {
      redirectUri: `http://127.0.0.1:${port}/oauth/callback`,
    });
    const landed = await fetch(callback);
    expect(landed.status).toBe(200);
    await landed.text();

    await waitFor(
      async () => (await hub.useCases.auth.attempt('notes'))?.state === 'connected',
      10_000,
      'connected',
    );
    expect(changed).toContain('notes');
    off();
    await waitFor(() => runtime.health.status('notes')?.status === 'healthy', 20_000, 'notes healthy');

    const logged = running.logs.join('\n');
    expect(logged).not.toContain(page.searchParams.get('state')!);
    expect(logged).not.toContain(page.searchParams.get('code_challenge')!);
    expect(logged).toContain(idp.origin);
  });

  it('a waiting Connect is cancelled from the window', async () => {
    const { hub } = running;
    const attempt = await hub.useCases.auth.start('notes', { openBrowser: false });
    expect(attempt.state).toBe('waiting');
    expect(await hub.useCases.auth.cancel('notes')).toBe(true);
    await waitFor(
      async () => (await hub.useCases.auth.attempt('notes'))?.state === 'cancelled',
      10_000,
      'cancelled',
    );
    expect(await hub.useCases.auth.cancel('notes')).toBe(false);
    // The grant from before is untouched by a cancelled Reconnect.
    expect((await hub.useCases.auth.status('notes')).hasCredential).toBe(true);
  });

  it("the window's waiting `auth.connect` in web mode shows the page and prints none of it (12.10)", async () => {
    const { hub } = running;
    const handlers = register({ hub, mode: 'web', version: 'test' });
    const before = (await hub.useCases.auth.attempt('notes'))?.startedAt ?? 0;
    const connected = handlers['auth.connect']!({ prefix: 'notes' });
    // The window follows it like any Connect: the page to open is in `auth.attempt`.
    await waitFor(
      async () => {
        const attempt = await hub.useCases.auth.attempt('notes');
        return attempt?.state === 'waiting' && attempt.startedAt >= before;
      },
      20_000,
      'the Connect waits with its page shown',
    );
    const page = new URL((await hub.useCases.auth.attempt('notes'))!.authorizationUrl!);
    expect(opened).toEqual([]);
    const port = running.runtime.front()!.port;
    const callback = await driveDevInteractions(page, {
      redirectUri: `http://127.0.0.1:${port}/oauth/callback`,
    });
    await (await fetch(callback)).text();
    expect(await connected).toMatchObject({ hasCredential: true, flow: 'authorization_code' });

    const said = [...printed, ...running.logs].join('\n');
    expect(said).not.toContain(page.searchParams.get('state')!);
    expect(said).not.toContain(page.searchParams.get('code_challenge')!);
  });
});
