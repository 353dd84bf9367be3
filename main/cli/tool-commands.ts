import type { Command } from 'commander';
import { SwitchboardError, errorMessage } from '../lib/errors.ts';
import type { CliContext } from './context.ts';
import { EXIT } from './exit-codes.ts';
import { table } from './output.ts';
import type { PendingToolChange } from '../usecases/tool-approval.ts';
import { LEAK_GUARD_POLICIES, TOOL_CHANGE_POLICIES } from '../../preload/contract/server-definition.ts';

/**
 * `switchboard tools …`: a server's tools as clients see them, their switches, trying one, and the changes
 * withheld until approved (pinned definitions) with the server's guard policies.
 */
export function registerToolCommands(program: Command, ctx: CliContext): void {
  const tools = program.command('tools').description("list, switch on/off and try a server's tools");

  tools
    .command('list')
    .argument('<prefix>')
    .description(
      'the tools of a server as last fetched: the name clients see (or why they do not), and whether it is on',
    )
    .action(async (prefix: string) => {
      const detail = await (await ctx.hub()).useCases.servers.get(prefix);
      ctx.out.result(detail.tools, () =>
        detail.tools.length === 0
          ? `no tools known for ${prefix} yet: they appear once the running hub has connected to it`
          : table([
              ['TOOL', 'CLIENTS SEE', 'ON', 'DESCRIPTION'],
              ...detail.tools.map((t) => [
                t.name,
                t.withheld
                  ? `(withheld: ${t.withheld}, approve first)`
                  : t.enabled
                    ? t.exposedName
                    : '(hidden)',
                t.enabled ? 'yes' : 'no',
                (t.description ?? '').split('\n')[0]?.slice(0, 60) ?? '',
              ]),
            ]),
      );
    });

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    tools
      .command(verb)
      .argument('<prefix>')
      .argument('<tool>', "the server's own tool name (see `switchboard tools list PREFIX`)")
      .description(enabled ? 'let clients see and call a tool again' : 'hide a tool from every client')
      .action(async (prefix: string, tool: string) => {
        await (await ctx.hub()).useCases.tools.setEnabled(prefix, tool, enabled);
        ctx.out.result({ prefix, tool, enabled }, () => `${prefix} ${tool}: ${enabled ? 'on' : 'off'}`);
      });
  }

  tools
    .command('call')
    .argument('<prefix>')
    .argument('<tool>', "the server's own tool name")
    .argument('[arguments]', 'the arguments as a JSON object, e.g. \'{"path": "/tmp"}\'', '{}')
    .description('call a tool once, as an AI client would (starts the server here if needed)')
    .action(async (prefix: string, tool: string, json: string) => {
      const args = parseArguments(json);
      const hub = await ctx.hub();
      hub.registry.servers.get(prefix); // NOT_FOUND before anything starts
      // The same call path as a client's tools/call, in this process: no listener, no health checks.
      await hub.start({ listen: false, health: false, watchRegistry: false });
      const result = await hub.useCases.tools.call(prefix, tool, args, {
        onprogress: (p) =>
          ctx.out.note(
            `progress ${p.progress}${p.total === undefined ? '' : `/${p.total}`}${p.message ? `: ${p.message}` : ''}`,
          ),
      });
      ctx.out.result(result, () =>
        result.content
          .map((c) => (c.type === 'text' && typeof c.text === 'string' ? c.text : JSON.stringify(c)))
          .join('\n'),
      );
      if (result.isError) ctx.setExitCode(EXIT.upstream);
    });

  tools
    .command('pending')
    .argument('[prefix]', 'only this server')
    .description(
      'tools withheld from clients because their definition changed or they are new, with the diff',
    )
    .action(async (prefix: string | undefined) => {
      const pending = (await ctx.hub()).useCases.pins.pending(prefix);
      ctx.out.result(pending, () =>
        pending.length === 0
          ? `no tool changes waiting for approval${prefix === undefined ? '' : ` on ${prefix}`}`
          : pending.map(describePending).join('\n'),
      );
    });

  tools
    .command('approve')
    .argument('<prefix>')
    .argument('[tool]', "the server's own tool name (see `switchboard tools pending PREFIX`)")
    .option('--all', 'approve every pending change of the server')
    .option(
      '--hash <hash>',
      'approve only the definition `tools pending` showed with this hash (refused if it changed again)',
    )
    .description(
      'let clients see and call a changed or new tool again, as it is defined now (or as --hash names it)',
    )
    .action(async (prefix: string, tool: string | undefined, opts: { all?: boolean; hash?: string }) => {
      if ((tool === undefined) === (opts.all !== true)) {
        throw new SwitchboardError('USAGE', 'name one tool, or pass --all (not both)');
      }
      if (opts.hash !== undefined && tool === undefined) {
        throw new SwitchboardError('USAGE', '--hash names one definition: pass it with one tool, not --all');
      }
      const { pins } = (await ctx.hub()).useCases;
      const approved = await pins.approve(prefix, tool === undefined ? 'all' : [{ tool, hash: opts.hash }]);
      ctx.out.result({ prefix, approved }, () =>
        approved.length === 0
          ? `${prefix}: no tool changes were waiting for approval`
          : `${prefix}: approved ${approved.join(', ')}; clients see ${approved.length === 1 ? 'it' : 'them'} again`,
      );
    });

  tools
    .command('policy')
    .argument('<prefix>')
    .option('--changes <policy>', 'when tools change: approve-changes (default), approve-new-only or trust')
    .option('--leaks <policy>', 'secrets in tool traffic: redact (default), block or off')
    .description("show or set how a server's tool changes and leaked secrets are handled")
    .action(async (prefix: string, opts: { changes?: string; leaks?: string }) => {
      const { pins } = (await ctx.hub()).useCases;
      if (opts.changes !== undefined || opts.leaks !== undefined) {
        await pins.setPolicies(prefix, {
          toolChanges: oneOf(opts.changes, TOOL_CHANGE_POLICIES, '--changes'),
          leakGuard: oneOf(opts.leaks, LEAK_GUARD_POLICIES, '--leaks'),
        });
      }
      const policies = pins.policies(prefix);
      ctx.out.result(
        { prefix, ...policies },
        () => `${prefix}: tool changes ${policies.toolChanges}, leak guard ${policies.leakGuard}`,
      );
    });
}

/** One pending change for people: what, which fields, and the words removed and added. */
function describePending(change: PendingToolChange): string {
  const head = `${change.prefix} ${change.tool}: ${
    change.kind === 'new' ? 'new tool' : `changed (${change.fields.join(', ') || 'definition'})`
  }`;
  // The command approves exactly the definition shown here: a change made after this listing is refused.
  const approve = `  approve it: switchboard tools approve ${change.prefix} ${change.tool} --hash ${change.hash}`;
  if (change.kind === 'new') return `${head}\n${indent(change.after)}\n${approve}`;
  const lines = change.diff
    .filter((part) => part.op !== 'same')
    .map((part) => `  ${part.op === 'added' ? '+' : '-'} ${part.text.trim().replace(/\s+/g, ' ')}`);
  return [head, ...lines, approve].join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new SwitchboardError('USAGE', `${flag}: must be one of ${allowed.join(', ')}`);
}

function parseArguments(json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new SwitchboardError(
      'USAGE',
      `arguments: not JSON (${errorMessage(error)}); pass an object like '{"a": 1}'`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SwitchboardError('USAGE', 'arguments: must be a JSON object, like \'{"a": 1}\'');
  }
  return value as Record<string, unknown>;
}
