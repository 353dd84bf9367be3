import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { ServerDefinition } from '../../../preload/contract/server-definition.ts';
import { ServerDefinitionSchema } from '../../../preload/contract/server-definition.ts';
import type { AuthHub } from '../../../main/cli/auth-commands.ts';
import { addOAuthOptions, oauthFromOptions, registerAuthCommands } from '../../../main/cli/auth-commands.ts';
import { createOutput } from '../../../main/cli/output.ts';
import type { CredentialStatus } from '../../../main/oauth/grant-record.ts';

const none = { oauthScope: [] as string[] };

describe('oauthFromOptions (server add)', () => {
  it('builds each flow explicitly and validates with the definition schema', () => {
    const cc = oauthFromOptions({
      ...none,
      oauthFlow: 'client_credentials',
      oauthClientId: 'c',
      oauthTokenUrl: 'https://a/token',
      oauthScope: ['x'],
      oauthAudience: 'api',
    });
    const ac = oauthFromOptions({
      ...none,
      oauthFlow: 'authorization_code',
      oauthClientId: 'pre',
      passThrough: true,
    });
    for (const extra of [cc, ac]) {
      expect(
        ServerDefinitionSchema.safeParse({
          prefix: 'p',
          name: 'p',
          transport: 'http',
          url: 'https://s/mcp',
          ...extra,
        }).success,
      ).toBe(true);
    }
    expect(cc.auth).toEqual({
      kind: 'oauth',
      flow: 'client_credentials',
      clientId: 'c',
      tokenUrl: 'https://a/token',
      scopes: ['x'],
      audience: 'api',
    });
    expect(ac).toEqual({
      auth: { kind: 'oauth', flow: 'authorization_code', clientId: 'pre' },
      passThrough: true,
    });
    expect(oauthFromOptions(none)).toEqual({});
  });

  it.each([
    [{ ...none, oauthClientId: 'c' }, /--oauth-flow is required/],
    [
      { ...none, oauthFlow: 'client_credentials', oauthClientId: 'c' },
      /needs --oauth-client-id, --oauth-token-url/,
    ],
    [
      { ...none, oauthFlow: 'authorization_code', oauthTokenUrl: 'https://a/t' },
      /are for --oauth-flow client_credentials/,
    ],
    [{ ...none, oauthFlow: 'implicit' }, /must be authorization_code or client_credentials/],
  ])('refuses %o', (opts, message) => {
    expect(() => oauthFromOptions(opts)).toThrow(message);
  });

  it('adds the options to a command', () => {
    const cmd = addOAuthOptions(new Command('add').exitOverride());
    cmd.parse(['--oauth-flow', 'client_credentials', '--oauth-scope', 'a', '--oauth-scope', 'b'], {
      from: 'user',
    });
    expect(cmd.opts()).toMatchObject({ oauthFlow: 'client_credentials', oauthScope: ['a', 'b'] });
  });
});

describe('auth commands', () => {
  const status: CredentialStatus = {
    prefix: 'gh',
    flow: 'authorization_code',
    hasCredential: true,
    isExpired: false,
    scopes: ['repo'],
    canRefresh: true,
    expiresAt: 0,
  };
  const setup = () => {
    const calls: string[] = [];
    const def = ServerDefinitionSchema.parse({
      prefix: 'gh',
      name: 'gh',
      transport: 'http',
      url: 'https://s/mcp',
      auth: { kind: 'oauth', flow: 'authorization_code' },
    });
    const hub: AuthHub = {
      oauth: {
        connect: async (p, o) => (calls.push(`connect ${p} ${JSON.stringify(o)}`), status),
        status: () => status,
        disconnect: async () => ({ revoked: ['refresh_token'], failed: [] }),
        setClientSecret: (p, s) => void calls.push(`secret ${p} ${s === undefined ? 'unset' : s.length}`),
        hasClientSecret: () => true,
      },
      servers: { list: () => [def as ServerDefinition], get: () => def },
      ensureOAuthCallback: async () => (
        calls.push('listen'),
        { close: async () => void calls.push('unlisten') }
      ),
    };
    const stdout: string[] = [];
    const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
    const sink = { write: (s: string) => (stdout.push(s), true) } as unknown as NodeJS.WritableStream;
    const program = new Command('switchboard').exitOverride();
    registerAuthCommands(program, { out: createOutput(false, sink, sink), stdin, hub: async () => hub });
    return { program, calls, stdout, stdin };
  };

  it('connect serves the callback only while waiting', async () => {
    const { program, calls, stdout } = setup();
    await program.parseAsync(['auth', 'connect', 'gh', '--scope', 'repo'], { from: 'user' });
    expect(calls).toEqual(['listen', 'connect gh {"scopes":["repo"]}', 'unlisten']);
    expect(stdout.join('')).toContain('connected gh (repo)');
  });

  it('status prints a table without tokens; set-secret reads stdin', async () => {
    const { program, calls, stdout, stdin } = setup();
    await program.parseAsync(['auth', 'status'], { from: 'user' });
    expect(stdout.join('')).toMatch(/PREFIX\s+FLOW\s+STATE/);
    (stdin as unknown as PassThrough).end('s3cret\n');
    await program.parseAsync(['auth', 'set-secret', 'gh'], { from: 'user' });
    expect(calls).toContain('secret gh 6');
  });
});
