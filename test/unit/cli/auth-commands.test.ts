import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { ServerDefinitionSchema } from '../../../preload/contract/server-definition.ts';
import { addOAuthOptions, oauthFromOptions } from '../../../main/cli/auth-commands.ts';
import { runCli } from '../../../main/cli/program.ts';

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

describe('auth commands (in-process CLI over a real data directory)', () => {
  const run = async (dataDir: string, argv: string[], input?: string) => {
    const out: string[] = [];
    const sink = { write: (chunk: string) => (out.push(chunk), true) } as unknown as NodeJS.WritableStream;
    const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
    if (input !== undefined) (stdin as unknown as PassThrough).end(input);
    const code = await runCli({
      argv: ['--data-dir', dataDir, ...argv],
      env: { SWITCHBOARD_VAULT_PASSPHRASE: 'unit-test-passphrase' },
      stdin,
      stdout: sink,
      stderr: sink,
    });
    return { code, text: out.join('') };
  };

  it('status prints a table without tokens; set-secret reads stdin and unset-secret removes it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-auth-cli-'));
    try {
      expect(
        (
          await run(dir, [
            'server',
            'add',
            'gh',
            '--url',
            'https://s.example/mcp',
            '--oauth-flow',
            'authorization_code',
          ])
        ).code,
      ).toBe(0);
      const status = await run(dir, ['auth', 'status']);
      expect(status.text).toMatch(/PREFIX\s+FLOW\s+STATE/);
      expect(status.text).toMatch(/gh\s+authorization_code\s+not connected/);
      expect((await run(dir, ['auth', 'set-secret', 'gh'], 's3cret-canary\n')).code).toBe(0);
      const unset = await run(dir, ['auth', 'unset-secret', 'gh']);
      expect(unset.text).toContain('deleted the client secret of gh');
      expect(unset.text + status.text).not.toContain('s3cret-canary');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
