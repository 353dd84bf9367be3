import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isolatedEnv, noKeyringEnv } from '../../helpers/private-keyring.ts';
import { runCli, tempDir } from '../../helpers/cli.ts';
import { EXIT } from '../../../main/cli/exit-codes.ts';
import { FIXTURES } from '../../fixtures/servers/fixtures.ts';

// Each step spawns a CLI process (0.3-4 s on a busy two-core machine).
vi.setConfig({ testTimeout: 180_000 });

const env = isolatedEnv(noKeyringEnv());

describe('CLI server management and exit codes', () => {
  let data: { dir: string; cleanup: () => void };
  beforeAll(() => {
    data = tempDir();
  });
  afterAll(() => data?.cleanup());
  const cli = (args: string[]) => runCli(data.dir, args, { env });

  // Issue 12.3 / 12.10: the process list is readable by every local user; a definition stores env in plain text.
  it('warns about a secret passed in args, and refuses a literal credential in --env without echoing it', async () => {
    const inArgs = await cli([
      'server',
      'add',
      'redis',
      '--secret-var',
      'REDIS_URL',
      '--',
      'npx',
      '-y',
      'redis-mcp',
      '--url',
      '${REDIS_URL}',
    ]);
    expect(inArgs.code, inArgs.stderr).toBe(0);
    expect(inArgs.stderr).toMatch(/REDIS_URL is a secret used in the command's arguments/);
    expect(inArgs.stderr).toMatch(/process list/);

    const token = `ghp_${'A1b2C3d4E5'.repeat(3)}abcdef`;
    const literal = await cli([
      'server',
      'add',
      'gh',
      '--env',
      `GITHUB_TOKEN=${token}`,
      '--',
      'npx',
      '-y',
      'gh',
    ]);
    expect(literal.code).toBe(EXIT.validation);
    expect(literal.stderr).toMatch(/env\.GITHUB_TOKEN: looks like a credential/);
    expect(literal.stderr).toMatch(/switchboard secret set gh GITHUB_TOKEN/);
    expect(literal.stderr + literal.stdout).not.toContain(token);
    expect((await cli(['server', 'list'])).stdout).not.toMatch(/\bgh\b/);
    expect((await cli(['server', 'remove', 'redis'])).code).toBe(0);
  });

  it('adds stdio and remote servers and shows them', async () => {
    const add = await cli([
      'server',
      'add',
      'mem',
      '--name',
      'Memory',
      '--env',
      'MODE=fast',
      '--',
      'npx',
      '-y',
      'pkg',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const remote = await cli([
      '--json',
      'server',
      'add',
      'notion',
      '--url',
      'https://mcp.notion.com/mcp',
      '--header',
      'X-Team: core',
    ]);
    expect(JSON.parse(remote.stdout)).toMatchObject({
      prefix: 'notion',
      transport: 'http',
      headers: { 'X-Team': 'core' },
    });
    const show = await cli(['--json', 'server', 'show', 'mem']);
    expect(JSON.parse(show.stdout)).toMatchObject({
      command: 'npx',
      args: ['-y', 'pkg'],
      env: { MODE: 'fast' },
      name: 'Memory',
    });
    const list = await cli(['server', 'list']);
    expect(list.stdout).toMatch(/mem\s+stdio\s+yes\s+npx -y pkg/);
  });

  it('distinguishes usage, not-found, validation and conflict by exit code', async () => {
    expect((await cli(['server', 'frobnicate'])).code).toBe(EXIT.usage);
    expect((await cli(['server', 'add', 'x'])).code).toBe(EXIT.usage);
    const missing = await cli(['server', 'show', 'nope']);
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toContain('nope');
    const invalid = await cli(['server', 'add', 'Bad_Prefix', '--', 'node']);
    expect(invalid.code).toBe(EXIT.validation);
    expect(invalid.stderr).toContain('prefix');
    const badUrl = await cli(['server', 'add', 'web', '--url', 'ftp://example.com']);
    expect(badUrl.code).toBe(EXIT.validation);
    expect(badUrl.stderr).toContain('url');
    expect((await cli(['server', 'add', 'mem', '--', 'node'])).code).toBe(EXIT.conflict);
  });

  it('answers a usage error in JSON too with --json, as every other error', async () => {
    for (const args of [
      ['--json', 'server', 'add'],
      ['--json', 'bogus'],
    ]) {
      const run = await cli(args);
      expect(run.code).toBe(EXIT.usage);
      const { error } = JSON.parse(run.stdout) as { error: { code: string; message: string } };
      expect(error.code).toBe('USAGE');
      expect(error.message).toMatch(/missing required argument 'prefix'|unknown command 'bogus'/);
      expect(error.message).toContain('--help');
    }
  });

  it('exports and imports definitions atomically', async () => {
    const file = path.join(data.dir, 'export.json');
    expect((await cli(['export', file])).code).toBe(0);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(doc.servers.map((s: { prefix: string }) => s.prefix).sort()).toEqual(['mem', 'notion']);

    const other = tempDir();
    try {
      const imported = await runCli(other.dir, ['--json', 'import', file], { env });
      expect(JSON.parse(imported.stdout).imported.sort()).toEqual(['mem', 'notion']);
      // A second import conflicts on the first entry and writes nothing at all.
      const again = await runCli(other.dir, ['import', file], { env });
      expect(again.code).toBe(EXIT.conflict);
      expect(again.stderr).toContain('servers[');
      const list = await runCli(other.dir, ['--json', 'server', 'list'], { env });
      expect(JSON.parse(list.stdout)).toHaveLength(2);
    } finally {
      other.cleanup();
    }
  });

  it('removes a server', async () => {
    expect((await cli(['server', 'remove', 'notion'])).code).toBe(0);
    expect((await cli(['server', 'remove', 'notion'])).code).toBe(EXIT.notFound);
  });
});

describe('CLI tools call', () => {
  let data: { dir: string; cleanup: () => void };
  beforeAll(() => {
    data = tempDir();
  });
  afterAll(() => data?.cleanup());
  const cli = (args: string[]) => runCli(data.dir, args, { env });

  // Seen by a newcomer: every `tools call` failed with 'no server has the prefix "memory"' — the call came before
  // the hub it starts in-process had loaded the registry's servers (that now happens after the start returns).
  it('calls a tool of a registered server, starting it here', async () => {
    expect((await cli(['server', 'add', 'echo', '--', process.execPath, FIXTURES.echo])).code).toBe(0);
    const call = await cli(['tools', 'call', 'echo', 'echo', '{"text":"hello from the CLI"}']);
    expect(call.stderr + call.stdout).not.toMatch(/no server has the prefix/);
    expect(call.code, call.stderr).toBe(0);
    expect(call.stdout).toContain('hello from the CLI');
    const missing = await cli(['tools', 'call', 'nosuch', 'echo']);
    expect(missing.code).toBe(EXIT.notFound);
  });
});
