import type { Command } from 'commander';
import type { ProfileDetail, ProfileSummary } from '../../preload/contract/models.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { ProfileChange } from '../usecases/profiles.ts';
import type { CliContext } from './context.ts';
import { collect } from './parse-pairs.ts';
import { table } from './output.ts';

/**
 * `switchboard profile create|list|show|edit|remove|use|clients` (issue 13): thin adapters over the profile
 * use-cases. Servers and tools are named `SERVER` or `SERVER/TOOL` (the upstream's tool name; `SERVER__TOOL`, as
 * clients see it on /mcp, works too).
 */

interface RuleOptions {
  include?: string[];
  exclude?: string[];
  alwaysList?: string[];
  reset?: string[];
}

interface ProfileOptions extends RuleOptions {
  description?: string;
  mode?: string;
  maxTools?: string;
  maxTokens?: string;
  all?: boolean;
  none?: boolean;
  from?: string;
  rename?: string;
}

const MODES = ['full', 'search', 'auto'] as const;

/** `SERVER` or `SERVER/TOOL` (or `SERVER__TOOL`). */
export function parseTarget(text: string): { prefix: string; tool?: string } {
  const slash = text.indexOf('/');
  const sep = slash >= 0 ? slash : text.indexOf('__');
  if (sep < 0) return { prefix: text };
  const prefix = text.slice(0, sep);
  const tool = text.slice(sep + (slash >= 0 ? 1 : 2));
  if (prefix === '' || tool === '')
    throw new SwitchboardError('USAGE', `"${text}" is not SERVER or SERVER/TOOL`);
  return { prefix, tool };
}

/** The rule changes the options ask for, in order: include, exclude, always-list, reset. */
export function ruleChanges(opts: RuleOptions): Pick<ProfileChange, 'servers' | 'tools'> {
  const servers: NonNullable<ProfileChange['servers']> = [];
  const tools: NonNullable<ProfileChange['tools']> = [];
  const add = (
    texts: string[] | undefined,
    server: boolean | null | 'tool-only',
    rule: 'in' | 'out' | 'listed' | null,
  ) => {
    for (const text of texts ?? []) {
      const target = parseTarget(text);
      if (target.tool !== undefined) tools.push({ prefix: target.prefix, tool: target.tool, rule });
      else if (server === 'tool-only')
        throw new SwitchboardError('USAGE', `--always-list takes SERVER/TOOL, got "${text}"`);
      else servers.push({ prefix: target.prefix, included: server });
    }
  };
  add(opts.include, true, 'in');
  add(opts.exclude, false, 'out');
  add(opts.alwaysList, 'tool-only', 'listed');
  add(opts.reset, null, null);
  return { servers, tools };
}

function budgetOf(opts: ProfileOptions): { tools?: number; tokens?: number } | undefined {
  const number = (value: string | undefined, flag: string) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new SwitchboardError('USAGE', `${flag} takes a whole number ≥ 1, got "${value}"`);
    return n;
  };
  const tools = number(opts.maxTools, '--max-tools');
  const tokens = number(opts.maxTokens, '--max-tokens');
  return tools === undefined && tokens === undefined ? undefined : { tools, tokens };
}

function modeOf(value: string | undefined): (typeof MODES)[number] | undefined {
  if (value === undefined) return undefined;
  if (!(MODES as readonly string[]).includes(value))
    throw new SwitchboardError('USAGE', `--mode takes full, search or auto, got "${value}"`);
  return value as (typeof MODES)[number];
}

function othersOf(opts: ProfileOptions): 'in' | 'out' | undefined {
  if (opts.all && opts.none) throw new SwitchboardError('USAGE', 'give --all or --none, not both');
  return opts.all ? 'in' : opts.none ? 'out' : undefined;
}

function ruleOptions(command: Command): Command {
  return command
    .option(
      '--include <server[/tool]>',
      'put a whole server, or one tool, in the profile (repeatable)',
      collect,
      [],
    )
    .option('--exclude <server[/tool]>', 'leave a whole server, or one tool, out (repeatable)', collect, [])
    .option('--always-list <server/tool>', 'in search mode, list this tool anyway (repeatable)', collect, [])
    .option(
      '--reset <server[/tool]>',
      'drop the rule: follow the server / the profile again (repeatable)',
      collect,
      [],
    )
    .option(
      '--mode <mode>',
      'how tools are offered: full (list all), search (meta-tools), auto (search over budget)',
    )
    .option('--max-tools <n>', 'auto mode: search once more tools than this would be listed')
    .option(
      '--max-tokens <n>',
      'auto mode: search once the listing would cost more (estimated) tokens than this',
    )
    .option('--description <text>', 'what the profile is for');
}

export function renderSummary(p: ProfileSummary): string {
  return [
    `${p.name}${p.isDefault ? ' (default)' : ''}${p.description ? ` — ${p.description}` : ''}`,
    `  tools: ${p.listing.tools} in the profile; ` +
      (p.listing.listed === 0
        ? 'tools/list is empty'
        : `tools/list holds ${p.listing.listed} (about ${p.listing.listedTokens.toLocaleString('en')} tokens)`),
    // "auto → search: …" says what auto decided; "full: …" needs no arrow.
    `  mode: ${p.toolMode === p.listing.mode ? p.toolMode : `${p.toolMode} → ${p.listing.mode}`}: ${p.listing.reason}`,
    `  budget (auto): ${p.budget.tools} tools, ${p.budget.tokens} tokens`,
    `  servers without a rule: ${p.others === 'in' ? 'in' : 'out'}`,
    `  clients: ${p.clients.length === 0 ? 'none' : p.clients.join(', ')}`,
  ].join('\n');
}

export function renderDetail(p: ProfileDetail): string {
  const lines = [renderSummary(p), '  servers:'];
  for (const server of p.servers) {
    const inCount = server.tools.filter((t) => t.included).length;
    const rule = server.rule === null ? 'follows the profile' : server.rule ? 'included' : 'excluded';
    lines.push(
      `    ${server.prefix}${server.enabled ? '' : ' (disabled)'}: ${server.included ? 'in' : 'out'} (${rule}), ` +
        (server.toolsKnown ? `${inCount} of ${server.tools.length} tools` : 'tools not seen yet'),
    );
    for (const tool of server.tools) {
      if (tool.rule === null) continue;
      lines.push(`      ${tool.name}: ${tool.rule === 'listed' ? 'in, always listed' : tool.rule}`);
    }
  }
  return lines.join('\n');
}

/** Registers `profile …`. */
export function registerProfileCommands(program: Command, ctx: CliContext): void {
  const profile = program
    .command('profile')
    .description(
      'manage profiles: which servers and tools each AI client sees, and whether it searches for them',
    );
  const useCases = async () => (await ctx.hub()).useCases.profiles;

  profile
    .command('list')
    .description('list profiles: mode, tools, clients')
    .action(async () => {
      const rows = (await useCases()).list();
      ctx.out.result(rows, () =>
        table([
          ['NAME', 'MODE', 'TOOLS', 'LISTED', 'CLIENTS'],
          ...rows.map((p) => [
            p.isDefault ? `${p.name} (default)` : p.name,
            p.toolMode === 'auto' ? `auto → ${p.listing.mode}` : p.toolMode,
            String(p.listing.tools),
            String(p.listing.listed),
            p.clients.join(', ') || '-',
          ]),
        ]),
      );
    });

  profile
    .command('show')
    .argument('<name>')
    .description('show a profile: its servers and tool rules, mode, budget and clients')
    .action(async (name: string) => {
      const detail = (await useCases()).get(name);
      ctx.out.result(detail, () => renderDetail(detail));
    });

  ruleOptions(
    profile
      .command('create')
      .argument('<name>')
      .description('create a profile (empty unless --all or --from; add servers with --include)')
      .option('--all', 'start with every server in (servers added later too)')
      .option('--from <profile>', "start from a copy of another profile's rules"),
  ).action(async (name: string, opts: ProfileOptions) => {
    const detail = (await useCases()).create({
      name,
      description: opts.description,
      others: othersOf(opts),
      toolMode: modeOf(opts.mode),
      budget: budgetOf(opts),
      from: opts.from,
      ...ruleChanges(opts),
    });
    ctx.out.result(detail, () => `created the profile ${detail.name}\n${renderSummary(detail)}`);
  });

  ruleOptions(
    profile
      .command('edit')
      .argument('<name>')
      .description('change a profile: rules, mode, budget, name')
      .option('--rename <new-name>', 'give the profile another name')
      .option('--all', 'servers without a rule (and servers added later) are in')
      .option('--none', 'servers without a rule (and servers added later) are out'),
  ).action(async (name: string, opts: ProfileOptions) => {
    const detail = (await useCases()).update(name, {
      rename: opts.rename,
      description: opts.description,
      others: othersOf(opts),
      toolMode: modeOf(opts.mode),
      budget: budgetOf(opts),
      ...ruleChanges(opts),
    });
    ctx.out.result(detail, () => `updated the profile ${detail.name}\n${renderSummary(detail)}`);
  });

  profile
    .command('remove')
    .argument('<name>')
    .description('remove a profile; its clients use the default profile again')
    .action(async (name: string) => {
      const result = (await useCases()).remove(name);
      ctx.out.result(
        result,
        () =>
          `removed the profile ${result.removed}` +
          (result.clients.length === 0 ? '' : `; back on the default profile: ${result.clients.join(', ')}`),
      );
    });

  profile
    .command('use')
    .argument('<client>', 'a client token name (e.g. cursor), a client id, or "bridge" (the stdio bridge)')
    .argument('<profile>')
    .description(
      'move a client to a profile; its open sessions are told at once, its config file is not touched',
    )
    .action(async (client: string, name: string) => {
      const result = (await useCases()).use(client, name);
      ctx.out.result(result, () =>
        result.previous === result.profile
          ? `${result.client} already uses the profile ${result.profile}`
          : `${result.client} now uses the profile ${result.profile} (was ${result.previous})`,
      );
    });

  profile
    .command('clients')
    .description('list clients (tokens and the bridge) with the profile each uses')
    .action(async () => {
      const rows = (await useCases()).clients();
      ctx.out.result(rows, () =>
        table([
          ['CLIENT', 'PROFILE', 'MODE', 'LISTED', 'TOOLS'],
          ...rows.map((r) => [r.client, r.profile, r.mode, String(r.listed), String(r.tools)]),
        ]),
      );
    });
}
