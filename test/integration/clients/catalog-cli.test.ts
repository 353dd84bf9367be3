import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CATALOG } from '../../../main/catalog/catalog-data.ts';
import { EXIT } from '../../../main/cli/exit-codes.ts';
import { tempDir } from '../../helpers/cli.ts';
import { cliEnv, cliRunner } from './clients-harness.ts';

/** `switchboard catalog search|categories|add` through the real CLI (no keyring: adding needs none). */

vi.setConfig({ testTimeout: 180_000 });

interface Summary {
  id: string;
  name: string;
  category: string;
  transport: string;
  authKind: string;
  homepage: string;
}

describe('catalog through the CLI', () => {
  let home: { dir: string; cleanup: () => void };
  let data: { dir: string; cleanup: () => void };
  let cli: ReturnType<typeof cliRunner>;
  beforeAll(() => {
    home = tempDir('sb-catalog-home-');
    data = tempDir('sb-catalog-data-');
    cli = cliRunner(data.dir, cliEnv(home.dir));
  });
  afterAll(() => {
    home?.cleanup();
    data?.cleanup();
  });

  it('searches by words and category, as text and JSON', async () => {
    const all = await cli.json<Summary[]>(['catalog', 'search']);
    expect(all.map((e) => e.id).sort()).toEqual(CATALOG.map((e) => e.id).sort());

    const github = await cli.json<Summary[]>(['catalog', 'search', 'github']);
    expect(github[0]).toMatchObject({ id: 'github', name: 'GitHub', transport: 'http', authKind: 'env' });

    const devTools = await cli.json<Summary[]>(['catalog', 'search', 'git', '--category', 'dev-tools']);
    expect(devTools.map((e) => e.id)).toEqual(expect.arrayContaining(['github', 'gitlab']));
    expect(new Set(devTools.map((e) => e.category))).toEqual(new Set(['dev-tools']));

    const text = await cli.run(['catalog', 'search', 'brave', 'search']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ID\s+NAME\s+CATEGORY\s+TRANSPORT\s+AUTH\s+DESCRIPTION$/m);
    expect(text.stdout).toMatch(/^brave-search\s+Brave Search\s+search\s+stdio\s+env\s/m);

    const none = await cli.run(['catalog', 'search', 'zzz-nothing-here']);
    expect(none.stdout).toContain('no catalog entry matches');

    const badCategory = await cli.run(['catalog', 'search', '--category', 'toys']);
    expect(badCategory.code).toBe(EXIT.usage);
    expect(badCategory.stderr).toContain('unknown category "toys"; categories: files, dev-tools');

    const categories = await cli.json<{ category: string; count: number }[]>(['catalog', 'categories']);
    expect(categories.reduce((n, c) => n + c.count, 0)).toBe(CATALOG.length);
  });

  it('adds a catalog server under a prefix and says what to set next', async () => {
    const added = await cli.run(['catalog', 'add', 'github', 'gh']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toBe(
      'added gh (GitHub, http)\nnext: switchboard secret set gh GITHUB_PERSONAL_ACCESS_TOKEN\n',
    );
    expect(await cli.json(['server', 'show', 'gh'])).toMatchObject({
      prefix: 'gh',
      name: 'GitHub',
      transport: 'http',
      url: 'https://api.githubcopilot.com/mcp/',
      headers: { Authorization: 'Bearer ${GITHUB_PERSONAL_ACCESS_TOKEN}' },
      envVars: [
        expect.objectContaining({ name: 'GITHUB_PERSONAL_ACCESS_TOKEN', secret: true, required: true }),
      ],
    });

    // A setting (not a secret), and the command printed for it actually works without any keyring.
    const fs = await cli.json<{ next: string[] }>(['catalog', 'add', 'filesystem', 'docs']);
    expect(fs.next).toEqual(['switchboard var set docs ALLOWED_DIRECTORY <value>']);
    expect((await cli.run(['var', 'set', 'docs', 'ALLOWED_DIRECTORY', '/srv/docs'])).code).toBe(0);

    const oauth = await cli.json<{ next: string[] }>(['catalog', 'add', 'notion', 'notion']);
    expect(oauth.next).toEqual(['switchboard auth connect notion   (sign in in the browser)']);

    expect((await cli.json<{ prefix: string }[]>(['server', 'list'])).map((s) => s.prefix).sort()).toEqual([
      'docs',
      'gh',
      'notion',
    ]);
  });

  it('refuses unknown ids, invalid prefixes and taken prefixes with their exit codes', async () => {
    const unknown = await cli.run(['catalog', 'add', 'no-such-server', 'x']);
    expect(unknown.code).toBe(EXIT.notFound);
    expect(unknown.stderr).toContain('no catalog entry "no-such-server"');
    const invalid = await cli.run(['catalog', 'add', 'memory', 'Bad__Prefix']);
    expect(invalid.code).toBe(EXIT.validation);
    expect(invalid.stderr).toContain('prefix');
    const taken = await cli.run(['catalog', 'add', 'memory', 'gh']);
    expect(taken.code).toBe(EXIT.conflict);
  });
});
