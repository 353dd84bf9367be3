import type { ServerSummary } from '../../preload/contract/models.ts';
import type {
  LeakGuardPolicy,
  StoredServer,
  ToolChangePolicy,
} from '../../preload/contract/server-definition.ts';
import { SwitchboardError } from '../lib/errors.ts';
import type { PendingKind, WithheldTool } from '../pins/pin-evaluation.ts';
import { toolChangePolicyOf } from '../pins/pin-evaluation.ts';
import { canonicalJson, prettyDefinition } from '../pins/pin-hash.ts';
import type { DiffPart } from '../pins/word-diff.ts';
import { wordDiff } from '../pins/word-diff.ts';
import { toDefinition } from '../registry/server-repository.ts';
import { leakGuardPolicyOf } from '../guard/leak-guard-state.ts';
import type { UseCaseContext } from './context.ts';
import { summaryOf, withheldToolsOf } from './server-views.ts';

/**
 * Pinned tool definitions as a person sees them (issue 14): which tools are withheld for a pending change,
 * what changed word by word, approving one or all, and each server's policies. Read from the registry, so the
 * CLI works without a running hub; a running hub in this process is told at once, one in another process
 * notices the commit (registry/change-watcher.ts) and rechecks.
 */

/** A tool withheld from clients until approved. */
export interface PendingToolChange {
  prefix: string;
  serverId: number;
  tool: string;
  kind: PendingKind;
  /** Hash of the definition offered now: approving pins exactly this one. */
  hash: string;
  /** The approved definition, pretty-printed (null for a new tool). */
  before: string | null;
  /** The definition the server offers now, pretty-printed. */
  after: string;
  /** Word-level diff from `before` (empty for a new tool) to `after`. */
  diff: DiffPart[];
  /** Top-level fields that differ (`description`, `inputSchema`…), for a one-line summary. */
  fields: string[];
}

/** One tool to approve; with `hash`, only if the server still offers that exact definition. */
export interface ToolApproval {
  tool: string;
  hash?: string;
}

export interface ServerPolicies {
  toolChanges?: ToolChangePolicy;
  leakGuard?: LeakGuardPolicy;
}

export interface ToolApprovalUseCases {
  /** Pending changes of one server, or of every server. */
  pending(prefix?: string): PendingToolChange[];
  /** Approves pending changes (`all`: every pending tool of the server); returns the tools approved. */
  approve(prefix: string, selection: readonly ToolApproval[] | 'all'): Promise<string[]>;
  /** Sets the server's tool-change and leak-guard policies (omitted ones stay). */
  setPolicies(prefix: string, policies: ServerPolicies): Promise<ServerSummary>;
  /** The server's policies with defaults applied. */
  policies(prefix: string): Required<ServerPolicies>;
}

/** The use-cases over a context. */
export function toolApprovalUseCases(ctx: UseCaseContext): ToolApprovalUseCases {
  const { registry } = ctx;

  const changeOf = (server: StoredServer, withheld: WithheldTool): PendingToolChange => {
    const pinned = registry.toolPins.get(server.id)?.tools.get(withheld.name);
    const before = pinned ? prettyDefinition(JSON.parse(pinned.definition)) : null;
    const after = prettyDefinition(withheld.tool);
    return {
      prefix: server.prefix,
      serverId: server.id,
      tool: withheld.name,
      kind: withheld.kind,
      hash: withheld.hash,
      before,
      after,
      diff: before === null ? [{ op: 'added', text: after }] : wordDiff(before, after),
      fields: pinned
        ? changedFields(JSON.parse(pinned.definition), withheld.tool)
        : Object.keys(withheld.tool).sort(),
    };
  };

  return {
    pending(prefix) {
      const servers = prefix === undefined ? registry.servers.list() : [registry.servers.get(prefix)];
      return servers.flatMap((server) => withheldToolsOf(ctx, server).map((w) => changeOf(server, w)));
    },

    async approve(prefix, selection) {
      const approved = registry.write(() => {
        const server = registry.servers.get(prefix);
        const withheld = withheldToolsOf(ctx, server);
        const chosen =
          selection === 'all'
            ? withheld
            : selection.map(({ tool, hash }) => {
                const pending = withheld.find((w) => w.name === tool);
                if (!pending) {
                  throw new SwitchboardError(
                    'NOT_FOUND',
                    `${tool} on ${prefix} has no change waiting for approval; \`switchboard tools pending ${prefix}\` lists what does`,
                  );
                }
                if (hash !== undefined && hash !== pending.hash) {
                  throw new SwitchboardError(
                    'CONFLICT',
                    `${tool} on ${prefix} changed again since you looked at it; review the new change before approving it`,
                  );
                }
                return pending;
              });
        const pins = chosen.map((w) => ({ tool: w.name, hash: w.hash, definition: canonicalJson(w.tool) }));
        if (pins.length > 0) registry.toolPins.pin(server.id, pins, ctx.clock.now());
        return pins.map((p) => p.tool);
      });
      if (approved.length > 0) {
        ctx.log.info('tool changes approved', { prefix, tools: approved.length });
        await ctx.runtime()?.serversChanged(prefix);
      }
      return approved;
    },

    async setPolicies(prefix, policies) {
      const stored = registry.write(() => {
        const current = registry.servers.get(prefix);
        return registry.servers.update(prefix, {
          ...toDefinition(current),
          toolChanges: policies.toolChanges ?? current.toolChanges,
          leakGuard: policies.leakGuard ?? current.leakGuard,
        });
      });
      await ctx.runtime()?.serversChanged(prefix);
      return summaryOf(ctx, stored);
    },

    policies(prefix) {
      const server = registry.servers.get(prefix);
      return { toolChanges: toolChangePolicyOf(server), leakGuard: leakGuardPolicyOf(server) };
    },
  };
}

/** Top-level fields whose values differ between two definitions. */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((key) => prettyDefinition(before[key] ?? null) !== prettyDefinition(after[key] ?? null))
    .sort();
}
