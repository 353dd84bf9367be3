import { describe, expect, it, vi } from 'vitest';
import type { GatewayScope } from '../../../../main/gateway/gateway-core.ts';
import { withProfiles } from '../../../../main/gateway/core/profile-view-policy.ts';
import { CALL_TOOL, DESCRIBE_TOOL, SEARCH_TOOL } from '../../../../main/gateway/core/search-tools.ts';
import type { LocalToolContext, ViewChange } from '../../../../main/gateway/core/tool-view.ts';
import { defaultViewPolicy } from '../../../../main/gateway/core/tool-view.ts';
import { readSources } from '../../../../main/gateway/core/view-cache.ts';
import { silentLogger } from '../../../../main/lib/logger.ts';
import type { Profile, ProfileSnapshot } from '../../../../main/profiles/profile-model.ts';
import { catalog, server } from './core-fixtures.ts';

const base = (over: Partial<Profile>): Profile => ({
  id: 1,
  name: 'default',
  description: '',
  isDefault: true,
  others: 'in',
  servers: new Map(),
  tools: new Map(),
  toolMode: 'full',
  budget: { tools: 40, tokens: 15_000 },
  ...over,
});

function source(initial: ProfileSnapshot) {
  let snapshot = initial;
  let version = 1;
  return {
    snapshot: () => snapshot,
    version: () => version,
    set(next: ProfileSnapshot) {
      snapshot = next;
      version += 1;
    },
  };
}

const snapshotOf = (profiles: Profile[], bindings: [string, number][]): ProfileSnapshot => ({
  profiles: new Map(profiles.map((p) => [p.id, p])),
  defaultId: 1,
  bindings: new Map(bindings),
});

const sources = readSources(
  [server('files', 1), server('git', 2), server('chat', 3)],
  [
    catalog('files', 1, ['read_file', 'write_file', 'delete_file']),
    catalog('git', 2, ['git_log', 'git_commit']),
    catalog('chat', 3, ['post_message']),
  ],
);
const scope = (clientName: string, prefix?: string): GatewayScope =>
  prefix === undefined
    ? { kind: 'all', caller: { tokenId: '7', clientName } }
    : { kind: 'server', prefix, caller: { tokenId: '7', clientName } };
const names = (tools: { name: string }[]) => tools.map((t) => t.name);
const textOf = (result: Record<string, unknown>) => (result.content as { text: string }[])[0]!.text;

const everything = base({});
const filesOnly = base({
  id: 2,
  name: 'files-only',
  isDefault: false,
  others: 'out',
  servers: new Map([[1, true]]),
  tools: new Map([[1, new Map([['delete_file', 'out' as const]])]]),
});
const finder = base({
  id: 3,
  name: 'finder',
  isDefault: false,
  toolMode: 'search',
  tools: new Map([[2, new Map([['git_log', 'listed' as const]])]]),
});

describe('the profile view policy', () => {
  it('keys views by profile and lists, per profile, only its tools on /mcp and /mcp/<prefix>', () => {
    const profiles = source(snapshotOf([everything, filesOnly], [['cursor', 2]]));
    const policy = withProfiles(defaultViewPolicy, { profiles, log: silentLogger });
    expect(policy.keyOf(scope('Cursor'))).toBe('profile:2|*');
    expect(policy.keyOf(scope('vscode'))).toBe('profile:1|*');
    expect(policy.keyOf({ kind: 'all', caller: { clientName: 'bridge' } })).toBe('profile:1|*');
    expect(names(policy.build(sources, scope('cursor')).tools)).toEqual([
      'files__read_file',
      'files__write_file',
    ]);
    expect(names(policy.build(sources, scope('vscode')).tools)).toHaveLength(6);
    expect(names(policy.build(sources, scope('cursor', 'files')).tools)).toEqual(['read_file', 'write_file']);
    expect(policy.build(sources, scope('cursor', 'git')).tools).toEqual([]);
  });

  it('refuses names outside the profile with the profile named; unknown names stay unknown', () => {
    const profiles = source(snapshotOf([everything, filesOnly], [['cursor', 2]]));
    const policy = withProfiles(defaultViewPolicy, { profiles, log: silentLogger });
    const view = policy.build(sources, scope('cursor'));
    expect(view.toolRoutes.targetOf('files__delete_file')).toBeUndefined();
    expect(view.refusal?.('files__delete_file')?.error.message).toMatch(
      /^files__delete_file is not in this client's profile "files-only": add it to that profile in Switchboard \(Profiles\) or run `switchboard profile edit files-only --include files\/delete_file`/,
    );
    expect(view.refusal?.('git__git_log')?.prefix).toBe('git');
    expect(view.refusal?.('nope__x')).toBeUndefined();
    const onGit = policy.build(sources, scope('cursor', 'git'));
    expect(onGit.refusal?.('anything')?.error.message).toMatch(
      /^The server git is not in this client's profile/,
    );
    // Prompts, resources and completions of a server outside the profile: refused with the fix; inside: not.
    const all = policy.build(sources, scope('cursor'));
    expect(all.serverRefusal?.('git', 'The resource switchboard://git/x')?.error.message).toMatch(
      /^The resource switchboard:\/\/git\/x is not in this client's profile "files-only": add its server, git, to that profile .*`switchboard profile edit files-only --include git`/,
    );
    expect(all.serverRefusal?.('files', 'The resource switchboard://files/x')).toBeUndefined();
    expect(onGit.serverRefusal?.('git', 'The resource x')?.error.message).toMatch(
      /^The server git is not in/,
    );
  });

  it('quotes what the fix names when the shell would split it', () => {
    const spaced = base({ ...filesOnly, name: "Ann's work" });
    const profiles = source(snapshotOf([everything, spaced], [['cursor', 2]]));
    const view = withProfiles(defaultViewPolicy, { profiles, log: silentLogger }).build(
      sources,
      scope('cursor'),
    );
    expect(view.refusal?.('files__delete_file')?.error.message).toContain(
      "`switchboard profile edit 'Ann'\\''s work' --include files/delete_file`",
    );
  });

  it('in search mode lists the meta-tools and the always-listed tools, and still routes every tool', async () => {
    const profiles = source(snapshotOf([everything, finder], [['claude-code', 3]]));
    const policy = withProfiles(defaultViewPolicy, { profiles, log: silentLogger });
    const view = policy.build(sources, scope('claude-code'));
    expect(names(view.tools)).toEqual([SEARCH_TOOL, DESCRIBE_TOOL, CALL_TOOL, 'git__git_log']);
    expect(view.toolRoutes.targetOf('files__read_file')).toEqual({ prefix: 'files', name: 'read_file' });

    const callUpstream = vi.fn(async () => ({ content: [{ type: 'text', text: 'called' }] }));
    const ctx: LocalToolContext = {
      scope: scope('claude-code'),
      signal: new AbortController().signal,
      callUpstream,
    };
    const local = (name: string) => view.localTools!.get(name)!;
    const found = textOf(await local(SEARCH_TOOL).call({ query: 'send a chat message', limit: 2 }, ctx));
    expect(found.split('\n')[1]).toBe('1. chat__post_message — No description. ()');
    expect(JSON.parse(textOf(await local(DESCRIBE_TOOL).call({ name: 'post_message' }, ctx)))).toEqual({
      name: 'chat__post_message',
      inputSchema: { type: 'object' },
    });
    expect(
      textOf(await local(CALL_TOOL).call({ name: 'chat__post_message', arguments: { a: 1 } }, ctx)),
    ).toBe('called');
    expect(callUpstream).toHaveBeenCalledWith({ prefix: 'chat', name: 'post_message' }, { a: 1 });
    const bad = await local(CALL_TOOL).call({ name: 'chat__post_message', arguments: [1] }, ctx);
    expect(bad.isError).toBe(true);
    expect(textOf(await local(SEARCH_TOOL).call({}, ctx))).toMatch(/^Give `query`/);
  });

  it('switches an auto profile to search past its budget', () => {
    const auto = base({ toolMode: 'auto', budget: { tools: 5, tokens: 15_000 } });
    const policy = withProfiles(defaultViewPolicy, {
      profiles: source(snapshotOf([auto], [])),
      log: silentLogger,
    });
    expect(names(policy.build(sources, scope('x')).tools)).toEqual([SEARCH_TOOL, DESCRIBE_TOOL, CALL_TOOL]);
    expect(names(policy.build(sources, scope('x', 'files')).tools)).toEqual([
      'read_file',
      'write_file',
      'delete_file',
    ]);
  });

  it('recheck tells only the scopes whose profile or binding changed', () => {
    const profiles = source(snapshotOf([everything, filesOnly], [['cursor', 2]]));
    const policy = withProfiles(defaultViewPolicy, { profiles, log: silentLogger });
    const changes: ViewChange[] = [];
    policy.onChange?.((c) => changes.push(c));
    expect(policy.recheck()).toBe(false);

    profiles.set(
      snapshotOf(
        [everything, filesOnly],
        [
          ['cursor', 2],
          ['vscode', 2],
        ],
      ),
    );
    expect(policy.recheck()).toBe(true);
    const moved = changes.pop()!;
    expect(moved.affects?.(scope('vscode'))).toBe(true);
    expect(moved.affects?.(scope('cursor'))).toBe(false);
    expect(moved.affects?.({ kind: 'all', caller: { clientName: 'bridge' } })).toBe(false);
    expect(policy.keyOf(scope('vscode'))).toBe('profile:2|*');

    profiles.set(
      snapshotOf(
        [everything, { ...filesOnly, toolMode: 'search' }],
        [
          ['cursor', 2],
          ['vscode', 2],
        ],
      ),
    );
    policy.recheck();
    const edited = changes.pop()!;
    expect(edited.affects?.(scope('cursor'))).toBe(true);
    expect(edited.affects?.(scope('other'))).toBe(false);
  });
});
