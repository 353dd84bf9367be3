import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/lib/logger.ts';
import { Redactor } from '../../../main/lib/redactor.ts';
import { MACHINE_CLIENT_ID } from '../../fixtures/oauth/oidc-harness.ts';
import type { OAuthWorld } from '../../fixtures/oauth/oauth-world.ts';
import { createOAuthWorld, listToolsVia } from '../../fixtures/oauth/oauth-world.ts';

const CANARY = 'CANARY-7d1e4a0c-secret-never-printed';

let world: OAuthWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const logLines: string[] = [];
const redactor = new Redactor();
const log = createLogger({ level: 'debug', redactor, write: (line) => logLines.push(line) });

async function machineWorld(secret = CANARY): Promise<OAuthWorld> {
  const w = await createOAuthWorld({ idp: { machineSecret: CANARY }, log, manager: { redactor } });
  w.addServer({
    prefix: 'machine',
    auth: {
      kind: 'oauth',
      flow: 'client_credentials',
      clientId: MACHINE_CLIENT_ID,
      tokenUrl: `${w.idp.issuer}/token`,
      scopes: ['mcp:read'],
      resource: w.upstream.resource,
    },
  });
  w.manager.setClientSecret('machine', secret);
  return w;
}

describe('client credentials against a real oidc-provider', () => {
  it('50 concurrent first calls share exactly one token request, and the upstream accepts the token', async () => {
    world = await machineWorld();
    const def = world.servers.get('machine')!;
    const provider = world.manager.authProviderFor(def)!;
    const tokens = await Promise.all(Array.from({ length: 50 }, () => provider.token()));
    expect(new Set(tokens).size).toBe(1);
    expect(world.idp.tokenRequests.client_credentials).toBe(1);

    expect(await listToolsVia(world.manager, def)).toEqual(['whoami', 'write_note']);
    expect(world.upstream.seenAuthorization.at(-1)).toBe(`Bearer ${tokens[0]}`);
    expect(world.upstream.lastClaims).toMatchObject({ aud: world.upstream.resource, iss: world.idp.issuer });
    expect(world.manager.status('machine')).toMatchObject({
      flow: 'client_credentials',
      hasCredential: true,
      isExpired: false,
    });
  });

  it('a 401 from the upstream invalidates the token once and retries with a new one', async () => {
    world = await machineWorld();
    const def = world.servers.get('machine')!;
    const first = await world.manager.authProviderFor(def)!.token();
    world.upstream.rejectTokens([first!]);
    expect(await listToolsVia(world.manager, def)).toContain('whoami');
    expect(world.idp.tokenRequests.client_credentials).toBe(2);
    const used = world.upstream.bearerTokens();
    expect(used[0]).toBe(first);
    expect(used.at(-1)).not.toBe(first);
  });

  it('a refused secret is a clear error naming the server and status, with no secret in errors or logs', async () => {
    world = await machineWorld(`${CANARY}-wrong`);
    const def = world.servers.get('machine')!;
    const error = (await world.manager.connect('machine').catch((e: unknown) => e)) as Error & {
      code: string;
    };
    expect(error).toMatchObject({ code: 'NEEDS_CONFIG' });
    expect(error.message).toMatch(/"machine".*HTTP 401.*invalid_client/);
    const failure = await listToolsVia(world.manager, def).catch((e: unknown) => e as Error);
    for (const text of [
      error.message,
      JSON.stringify(error),
      String(failure),
      JSON.stringify(failure),
      ...logLines,
    ]) {
      expect(text).not.toContain(CANARY);
    }
  });
});
