import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';
import {
  GUARD_FIXTURES,
  ORIGINAL_DESCRIPTION,
  RUG_PULLED_DESCRIPTION,
} from '../../fixtures/servers/guard-fixtures.ts';
import type { GuardHub } from './guard-hub.ts';
import { callTool, connectClient, eventually, startGuardHub, textOf, toolNames } from './guard-hub.ts';

/**
 * Issue 14's acceptance for pinned tool definitions, against a real hub and a real SDK client on its HTTP
 * gateway: a server changes one tool's description after its third call (a "rug pull"); the tool disappears
 * from the client's listing with list_changed, calling it names the pending change, the other tools keep
 * working, approving (from the CLI, another process) restores it; pins and approvals survive restarts and
 * go with the server id.
 */

let h: GuardHub;
let stateFile: string;
const PREFIX = 'docs';
const tools = (names: string[]) => names.filter((n) => n.startsWith(`${PREFIX}__`));

beforeAll(async () => {
  h = await startGuardHub({ watchRegistryMs: 100 });
  stateFile = path.join(h.root, 'rug-pull-state.json');
  await h.hub.useCases.servers.add({
    prefix: PREFIX,
    name: 'Docs',
    transport: 'stdio',
    command: process.execPath,
    args: [GUARD_FIXTURES.rugPull, `--state=${stateFile}`],
  });
  const id = h.hub.registry.servers.get(PREFIX).id;
  // The hub meets a new server in the background; its tools are pinned then.
  await eventually(() => h.hub.registry.toolPins.get(id)?.tools.size === 3, 'the first pins');
}, 90_000);

afterAll(async () => {
  await h?.close();
});

describe('a rug pull is withheld until approved', () => {
  it('pins the tools as first seen: all of them are listed and callable', async () => {
    const c = await connectClient(h);
    try {
      expect(tools(await toolNames(c.client))).toEqual(['docs__add', 'docs__echo', 'docs__fetch_page']);
      const { tools: listed } = await c.client.listTools();
      expect(listed.find((t) => t.name === 'docs__fetch_page')?.description).toBe(ORIGINAL_DESCRIPTION);
      expect(h.hub.useCases.pins.pending()).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('after the third call the changed tool vanishes with list_changed; calling it names the pending change', async () => {
    const c = await connectClient(h);
    try {
      for (let i = 1; i <= 3; i++) {
        const result = await callTool(c.client, 'docs__fetch_page', { url: 'https://example.com' });
        expect(result.isError).not.toBe(true);
        expect(textOf(result)).toContain(`(call ${i})`);
      }
      await eventually(() => c.listChanged() > 0, 'tools/list_changed');
      await eventually(
        async () => !(await toolNames(c.client)).includes('docs__fetch_page'),
        'the tool withheld',
      );
      expect(tools(await toolNames(c.client))).toEqual(['docs__add', 'docs__echo']);

      const refused = await callTool(c.client, 'docs__fetch_page', { url: 'https://example.com' });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/fetch_page on docs changed its definition since it was approved/);
      expect(textOf(refused)).toContain('switchboard tools approve docs fetch_page');

      // The other tools never stop working.
      expect(textOf(await callTool(c.client, 'docs__add', { a: 2, b: 3 }))).toBe('5');
      expect(textOf(await callTool(c.client, 'docs__echo', { text: 'still here' }))).toBe('still here');

      const [pending, ...more] = h.hub.useCases.pins.pending(PREFIX);
      expect(more).toEqual([]);
      expect(pending).toMatchObject({
        prefix: PREFIX,
        tool: 'fetch_page',
        kind: 'changed',
        fields: ['description'],
      });
      const added = pending!.diff
        .filter((p) => p.op === 'added')
        .map((p) => p.text)
        .join('');
      expect(added).toContain('IMPORTANT');
      expect(pending!.diff.filter((p) => p.op === 'removed')).toEqual([]);
      expect(JSON.parse(pending!.after).description).toBe(RUG_PULLED_DESCRIPTION);
    } finally {
      await c.close();
    }
  }, 90_000);

  it('Switchboard’s own calls of the withheld tool are refused too', async () => {
    const result = await h.hub.useCases.tools.call(PREFIX, 'fetch_page', { url: 'x' });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('changed its definition since it was approved');
  });

  it('the server page and `tools list` say the tool is withheld, not that clients see it', async () => {
    const detail = await h.hub.useCases.servers.get(PREFIX);
    expect(detail.tools.find((t) => t.name === 'fetch_page')).toMatchObject({
      enabled: true,
      withheld: 'changed',
    });
    expect(detail.tools.find((t) => t.name === 'echo')?.withheld).toBeUndefined();
    const listed = await runCli(h.dataDir, ['tools', 'list', PREFIX], { env: cliEnv(), timeoutMs: 60_000 });
    expect(listed.code, listed.stderr).toBe(0);
    const row = listed.stdout.split('\n').find((line) => line.startsWith('fetch_page '));
    expect(row).toBeDefined();
    expect(row).not.toContain('docs__fetch_page');
    expect(row).toContain('(withheld: changed, approve first)');
    expect(listed.stdout.split('\n').find((line) => line.startsWith('echo '))).toContain('docs__echo');
  }, 90_000);

  it('stays withheld across a restart of the hub', async () => {
    await h.restart();
    const c = await connectClient(h);
    try {
      expect(tools(await toolNames(c.client))).toEqual(['docs__add', 'docs__echo']);
      expect(h.hub.useCases.pins.pending(PREFIX).map((p) => p.tool)).toEqual(['fetch_page']);
    } finally {
      await c.close();
    }
  }, 90_000);

  it('the CLI lists the change and approves it; the running hub restores the tool with list_changed', async () => {
    const c = await connectClient(h);
    try {
      const listed = await runCli(h.dataDir, ['tools', 'pending', PREFIX], {
        env: cliEnv(),
        timeoutMs: 60_000,
      });
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toContain('docs fetch_page: changed (description)');
      expect(listed.stdout).toMatch(/\+ .*IMPORTANT/);
      // The listing names the exact definition shown, so an approval cannot cover a change made after it.
      const offered = h.hub.useCases.pins.pending(PREFIX)[0]!.hash;
      const command = `switchboard tools approve ${PREFIX} fetch_page --hash ${offered}`;
      expect(listed.stdout).toContain(command);
      const stale = await runCli(
        h.dataDir,
        ['tools', 'approve', PREFIX, 'fetch_page', '--hash', `sha256:${'0'.repeat(64)}`],
        { env: cliEnv(), timeoutMs: 60_000 },
      );
      expect(stale.code).not.toBe(0);
      expect(stale.stderr).toContain('fetch_page on docs changed again since you looked at it');
      expect(h.hub.useCases.pins.pending(PREFIX).map((p) => p.tool)).toEqual(['fetch_page']);
      const mixed = await runCli(h.dataDir, ['tools', 'approve', PREFIX, '--all', '--hash', offered], {
        env: cliEnv(),
        timeoutMs: 60_000,
      });
      expect(mixed.stderr).toContain('--hash names one definition: pass it with one tool, not --all');
      expect(h.hub.useCases.pins.pending(PREFIX).map((p) => p.tool)).toEqual(['fetch_page']);
      const before = c.listChanged();
      const approved = await runCli(h.dataDir, command.split(' ').slice(1), {
        env: cliEnv(),
        timeoutMs: 60_000,
      });
      expect(approved.code, approved.stderr).toBe(0);
      expect(approved.stdout).toContain('approved fetch_page');
      await eventually(() => c.listChanged() > before, 'list_changed after the approval');
      expect(tools(await toolNames(c.client))).toEqual(['docs__add', 'docs__echo', 'docs__fetch_page']);
      const { tools: listedNow } = await c.client.listTools();
      expect(listedNow.find((t) => t.name === 'docs__fetch_page')?.description).toBe(RUG_PULLED_DESCRIPTION);
      expect((await callTool(c.client, 'docs__fetch_page', { url: 'u' })).isError).not.toBe(true);
      expect(h.hub.useCases.pins.pending()).toEqual([]);
      const after = await runCli(h.dataDir, ['tools', 'list', PREFIX], { env: cliEnv(), timeoutMs: 60_000 });
      expect(after.stdout.split('\n').find((line) => line.startsWith('fetch_page '))).toContain(
        'docs__fetch_page',
      );
    } finally {
      await c.close();
    }
  }, 120_000);

  it('the approval survives a restart', async () => {
    await h.restart();
    const c = await connectClient(h);
    try {
      expect(tools(await toolNames(c.client))).toEqual(['docs__add', 'docs__echo', 'docs__fetch_page']);
    } finally {
      await c.close();
    }
  }, 90_000);

  it('removing the server removes its pins; a new server under the prefix starts afresh', async () => {
    const { id } = h.hub.registry.servers.get(PREFIX);
    await h.hub.useCases.servers.remove(PREFIX);
    const db = h.hub.registry.db.connection;
    for (const table of ['tool_pins', 'tool_pin_sets']) {
      expect(db.prepare(`SELECT count(*) FROM ${table} WHERE server_id = ?`).pluck().get(id)).toBe(0);
    }
    expect(h.hub.registry.toolPins.get(id)).toBeUndefined();
  });
});

function cliEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: h.root, SWITCHBOARD_NO_BROWSER: '1' };
}
