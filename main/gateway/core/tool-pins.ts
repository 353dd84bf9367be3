import type { Tool } from '@modelcontextprotocol/client';
import type { StoredServer } from '../../../preload/contract/server-definition.ts';
import type { Clock } from '../../lib/clock.ts';
import { SwitchboardError } from '../../lib/errors.ts';
import { createListeners } from '../../lib/listeners.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ServerPins, WithheldTool } from '../../pins/pin-evaluation.ts';
import { evaluatePins, toolChangePolicyOf } from '../../pins/pin-evaluation.ts';
import { toolPinHash } from '../../pins/pin-hash.ts';
import type { StoredCatalog } from '../../registry/upstream-catalog-repository.ts';
import type { ToolPinRepository } from '../../registry/tool-pin-repository.ts';
import type { CatalogChange, CatalogSource } from './catalog-source.ts';
import type { ToolCallHook } from './tool-call-hooks.ts';
import { buildNameIndex } from './tool-names.ts';
import type { ToolRefusal, ViewPolicy } from './tool-view.ts';

/**
 * Pinned tool definitions in the gateway (issue 14; the decisions are pure in main/pins/pin-evaluation.ts):
 * - `withToolPins` decorates the catalog source like the tool switches: every listing leaves out the tools
 *   withheld for a pending change, so no view lists or routes them; when a catalog changes it first writes the
 *   pins that need no person (a server's first sighting, what its policy accepts) and then passes the change
 *   on, so clients get list_changed;
 * - `withPendingRefusals` decorates a view policy: calling a withheld tool answers a clear isError naming the
 *   pending change instead of "unknown tool";
 * - `pendingToolsHook` refuses Switchboard's own calls (the window's "Try", `tools call`) of a withheld tool.
 */

export interface PinnedCatalogDeps {
  pins: Pick<ToolPinRepository, 'all' | 'pin'>;
  servers: { list(): StoredServer[] };
  /** One immediate transaction (registry.write). */
  write<T>(fn: () => T): T;
  /** A counter that moves whenever pins change, in any process (migration 009); compare with `===`. */
  pinsVersion(): number;
  clock: Clock;
  log: Logger;
}

export interface PinnedCatalogSource extends CatalogSource {
  /** The tool withheld under `name` of `prefix` now, or undefined. */
  withheld(prefix: string, name: string): WithheldTool | undefined;
  /** Every withheld tool now, by prefix. */
  withheldTools(): ReadonlyMap<string, readonly WithheldTool[]>;
  /**
   * Notices pins or policies changed elsewhere (an approval from the CLI, a policy edit): writes what the policies
   * accept and tells clients of servers whose withheld tools changed. Cheap when nothing moved.
   */
  recheck(): void;
  close(): void;
}

interface Evaluated {
  catalogs: StoredCatalog[];
  withheld: Map<string, WithheldTool[]>;
  writes: { serverId: number; pins: { tool: string; hash: string; definition: string }[] }[];
}

/** The catalog source with withheld tools left out. */
export function withToolPins(source: CatalogSource, deps: PinnedCatalogDeps): PinnedCatalogSource {
  const log = deps.log.child({ component: 'tool-pins' });
  const listeners = createListeners<{ change: (change: CatalogChange) => void }>(log);
  let withheld = new Map<string, WithheldTool[]>();
  let seen: string | undefined;
  // Hashes per catalog refresh: a listing after an unrelated change does not hash every tool again.
  const hashes = new Map<number, { refreshedAt: number; byName: Map<string, string> }>();
  const hashOf = (catalog: StoredCatalog) => {
    let memo = hashes.get(catalog.serverId);
    if (memo?.refreshedAt !== catalog.refreshedAt) {
      memo = { refreshedAt: catalog.refreshedAt, byName: new Map() };
      hashes.set(catalog.serverId, memo);
    }
    const byName = memo.byName;
    return (tool: Tool) => {
      let hash = byName.get(tool.name);
      if (hash === undefined) byName.set(tool.name, (hash = toolPinHash(tool)));
      return hash;
    };
  };

  const evaluate = (): Evaluated => {
    const catalogs = source.list();
    const pins: Map<number, ServerPins> = deps.pins.all();
    const policies = new Map(deps.servers.list().map((s) => [s.id, toolChangePolicyOf(s)]));
    const result: Evaluated = { catalogs: [], withheld: new Map(), writes: [] };
    for (const catalog of catalogs) {
      const policy = policies.get(catalog.serverId);
      if (policy === undefined) {
        result.catalogs.push(catalog); // removed meanwhile: the view drops it anyway
        continue;
      }
      const verdict = evaluatePins(catalog.tools, pins.get(catalog.serverId), policy, hashOf(catalog));
      if (verdict.withheld.length > 0) result.withheld.set(catalog.prefix, verdict.withheld);
      if (verdict.toPin.length > 0 || verdict.firstSighting) {
        result.writes.push({
          serverId: catalog.serverId,
          pins: verdict.toPin.map((p) => ({ tool: p.name, hash: p.hash, definition: p.definition })),
        });
      }
      result.catalogs.push(verdict.withheld.length === 0 ? catalog : { ...catalog, tools: verdict.visible });
    }
    return result;
  };

  const signature = () => {
    const policies = deps.servers.list().map((s) => `${s.id}:${toolChangePolicyOf(s)}`);
    return `${deps.pinsVersion()}|${policies.join(',')}`;
  };

  /** Evaluates, writes what needs no person, and returns the prefixes whose withheld tools changed. */
  const reconcile = (): Set<string> => {
    const evaluated = evaluate();
    if (evaluated.writes.length > 0) {
      const at = deps.clock.now();
      try {
        deps.write(() => {
          for (const w of evaluated.writes) deps.pins.pin(w.serverId, w.pins, at);
        });
      } catch (error) {
        // A read-only registry, a busy file: the listing is right all the same; the next change writes them.
        log.warn('could not store tool pins', { error });
      }
    }
    const moved = new Set<string>();
    for (const prefix of new Set([...withheld.keys(), ...evaluated.withheld.keys()])) {
      if (key(withheld.get(prefix)) !== key(evaluated.withheld.get(prefix))) moved.add(prefix);
    }
    const before = withheld;
    withheld = evaluated.withheld;
    for (const prefix of moved) {
      const now = withheld.get(prefix)?.length ?? 0;
      if (now > (before.get(prefix)?.length ?? 0))
        log.info('tools withheld until approved: their definitions changed', { prefix, pending: now });
    }
    seen = signature();
    return moved;
  };

  const offSource = source.onChange((change) => {
    if (change.changes.tools) reconcile();
    listeners.emit('change', change);
  });
  reconcile();

  return {
    list() {
      const evaluated = evaluate();
      withheld = evaluated.withheld;
      return evaluated.catalogs;
    },
    onChange: (listener) => listeners.on('change', listener),
    withheld: (prefix, name) => withheld.get(prefix)?.find((w) => w.name === name),
    withheldTools: () => withheld,
    recheck() {
      if (signature() === seen) return;
      for (const prefix of reconcile()) {
        listeners.emit('change', { prefix, changes: { tools: true, prompts: false, resources: false } });
      }
    },
    close: offSource,
  };
}

function key(tools: readonly WithheldTool[] | undefined): string {
  return (tools ?? []).map((t) => `${t.name}\0${t.hash}`).join('\n');
}

/** The error a client gets for a withheld tool: names the tool, the server and what is pending. */
export function pendingToolError(prefix: string, tool: WithheldTool): SwitchboardError {
  const what = tool.kind === 'new' ? 'is new' : 'changed its definition';
  return new SwitchboardError(
    'FORBIDDEN',
    `${tool.name} on ${prefix} ${what} since it was approved, so Switchboard withholds it until you approve the ` +
      `change (the Tools tab of ${prefix} in Switchboard, or \`switchboard tools approve ${prefix} ${tool.name}\`)`,
    { details: { prefix, tool: tool.name, pending: tool.kind } },
  );
}

/** A view policy whose views refuse withheld tools with pendingToolError instead of "unknown tool". */
export function withPendingRefusals(
  policy: ViewPolicy,
  pinned: Pick<PinnedCatalogSource, 'withheldTools'>,
): ViewPolicy {
  return {
    keyOf: (scope) => policy.keyOf(scope),
    build(sources, scope) {
      const view = policy.build(sources, scope);
      const withheld = pinned.withheldTools();
      if (withheld.size === 0) return view;
      const pairs = [...withheld].flatMap(([prefix, tools]) => tools.map((t) => ({ prefix, name: t.name })));
      // The names clients would have seen (the same shortening as the aggregate's own index).
      const index = scope.kind === 'all' ? buildNameIndex(pairs) : undefined;
      const find = (exposed: string) => {
        const target = index
          ? index.targetOf(exposed)
          : { prefix: scope.kind === 'server' ? scope.prefix : '', name: exposed };
        const tool = target && withheld.get(target.prefix)?.find((t) => t.name === target.name);
        return target && tool ? { prefix: target.prefix, tool } : undefined;
      };
      return {
        ...view,
        refusal(exposed): ToolRefusal | undefined {
          const own = view.refusal?.(exposed);
          if (own) return own;
          const hit = find(exposed);
          return hit ? { prefix: hit.prefix, error: pendingToolError(hit.prefix, hit.tool) } : undefined;
        },
      };
    },
    onChange: policy.onChange && ((listener) => policy.onChange!(listener)),
  };
}

/** Refuses Switchboard's own calls of a withheld tool (clients never reach one: their views do not route it). */
export function pendingToolsHook(pinned: Pick<PinnedCatalogSource, 'withheld'>): ToolCallHook {
  return {
    name: 'tool pins',
    beforeCall(facts) {
      const tool = pinned.withheld(facts.prefix, facts.tool);
      if (!tool) return { action: 'pass' };
      return {
        action: 'block',
        message: `${pendingToolError(facts.prefix, tool).message}.`,
        errorCode: 'TOOL_PENDING_APPROVAL',
        findings: [],
      };
    },
  };
}
