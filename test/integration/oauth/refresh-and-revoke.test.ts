import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InsufficientScopeError } from '@modelcontextprotocol/client';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerDefinition } from '../../../preload/contract/server-definition.ts';
import type { CredentialStatus } from '../../../main/oauth/grant-record.ts';
import type { OAuthManager } from '../../../main/oauth/oauth-manager.ts';
import { oauthGrantOwner } from '../../../main/vault/server-owners.ts';
import { createFileVault } from '../../fixtures/oauth/file-vault.ts';
import type { OAuthWorld } from '../../fixtures/oauth/oauth-world.ts';
import { createOAuthWorld, createTestClock, listToolsVia } from '../../fixtures/oauth/oauth-world.ts';

let world: OAuthWorld | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempVaultFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-oauth-'));
  dirs.push(dir);
  return path.join(dir, 'vault.json');
}

async function callTool(manager: OAuthManager, def: ServerDefinition, name: string): Promise<string> {
  if (def.transport === 'stdio') throw new Error('remote only');
  const authProvider = manager.authProviderFor(def);
  const transport = new StreamableHTTPClientTransport(new URL(def.url), authProvider ? { authProvider } : {});
  const client = new Client({ name: 'oauth-test', version: '1.0.0' });
  try {
    await client.connect(transport);
    const result = await client.callTool({ name, arguments: {} });
    return (result.content as { type: string; text: string }[])[0]?.text ?? '';
  } finally {
    await client.close().catch(() => {});
  }
}

describe('refresh', () => {
  it('refreshes proactively, once, for 20 concurrent callers; the rotated refresh token survives a restart', async () => {
    const clock = createTestClock();
    const vault = createFileVault(tempVaultFile());
    world = await createOAuthWorld({ clock, vault, idp: { accessTokenTtl: 120 } });
    const def = world.addServer({ prefix: 'notes', auth: { kind: 'oauth', flow: 'authorization_code' } });
    await world.manager.connect('notes');
    const firstRefreshToken = JSON.parse(vault.get(oauthGrantOwner(def.id), `grant:${world.idp.issuer}`)!)
      .tokens.refresh_token as string;
    expect(world.idp.tokenRequests.refresh_token ?? 0).toBe(0);

    clock.advance(100_000); // within the 60 s refresh window of a 120 s token
    const results = await Promise.all(Array.from({ length: 20 }, () => listToolsVia(world!.manager, def)));
    expect(results.every((tools) => tools.includes('whoami'))).toBe(true);
    expect(world.idp.tokenRequests.refresh_token).toBe(1);

    const rotated = JSON.parse(vault.get(oauthGrantOwner(def.id), `grant:${world.idp.issuer}`)!).tokens
      .refresh_token as string;
    expect(rotated).not.toBe(firstRefreshToken);

    // Restart: a new manager over the same vault file uses the rotated refresh token successfully.
    const restarted = world.restart();
    clock.advance(100_000);
    expect(await listToolsVia(restarted, def)).toContain('whoami');
    expect(world.idp.tokenRequests.refresh_token).toBe(2);
    expect(restarted.status('notes')).toMatchObject({ hasCredential: true, isExpired: false });
  });

  it('on invalid_grant clears the tokens and reports needs-auth', async () => {
    const clock = createTestClock();
    world = await createOAuthWorld({ clock, idp: { accessTokenTtl: 120 } });
    const def = world.addServer({ prefix: 'notes', auth: { kind: 'oauth', flow: 'authorization_code' } });
    await world.manager.connect('notes');
    const key = `grant:${world.idp.issuer}`;
    const stale = world.vault.get(oauthGrantOwner(def.id), key)!;
    clock.advance(100_000);
    await listToolsVia(world.manager, def); // rotates
    world.vault.set(oauthGrantOwner(def.id), key, stale); // a stale copy: replaying its refresh token is reuse

    const seen: CredentialStatus[] = [];
    world.manager.onStatusChange((s) => seen.push(s));
    clock.advance(100_000);
    await expect(listToolsVia(world.manager, def)).rejects.toMatchObject({ code: 'NEEDS_AUTH' });
    expect(world.manager.status('notes')).toMatchObject({ hasCredential: false });
    expect(seen.at(-1)).toMatchObject({ prefix: 'notes', hasCredential: false });
  });
});

describe('step-up and disconnect', () => {
  it('re-consents with the wider scope after 403 insufficient_scope', async () => {
    world = await createOAuthWorld();
    const def = world.addServer({
      prefix: 'notes',
      auth: { kind: 'oauth', flow: 'authorization_code', scopes: ['mcp:read'] },
    });
    await world.manager.connect('notes');
    expect(world.manager.status('notes').scopes).toEqual(['mcp:read']);

    const failure = await callTool(world.manager, def, 'write_note').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(InsufficientScopeError);
    const required = (failure as InsufficientScopeError).requiredScope;
    expect(world.manager.noteInsufficientScope('notes', required).requiredScopes).toEqual([
      'mcp:read',
      'mcp:write',
    ]);

    const status = await world.manager.stepUp('notes', required);
    expect(status.scopes).toEqual(expect.arrayContaining(['mcp:read', 'mcp:write']));
    expect(status.requiredScopes).toBeUndefined();
    expect(world.opened.at(-1)?.searchParams.get('scope')).toContain('mcp:write');
    expect(await callTool(world.manager, def, 'write_note')).toBe('written');
  });

  it('revokes at the provider, then deletes locally', async () => {
    world = await createOAuthWorld();
    const def = world.addServer({ prefix: 'notes', auth: { kind: 'oauth', flow: 'authorization_code' } });
    await world.manager.connect('notes');
    const result = await world.manager.disconnect('notes');
    expect(result.revoked).toContain('refresh_token');
    expect(world.idp.revocationRequests).toBeGreaterThanOrEqual(1);
    expect(world.idp.revokedGrants.length).toBeGreaterThanOrEqual(1);
    expect(world.manager.status('notes')).toMatchObject({ hasCredential: false });
    expect(world.vault.get(oauthGrantOwner(def.id), 'issuer')).toBeUndefined();
    await expect(listToolsVia(world.manager, def)).rejects.toMatchObject({ code: 'NEEDS_AUTH' });
  });
});
