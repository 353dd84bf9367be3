import type { Tool } from '@modelcontextprotocol/client';
import {
  DEFAULT_TOOL_CHANGE_POLICY,
  type ToolChangePolicy,
} from '../../preload/contract/server-definition.ts';
import { canonicalJson, toolPinHash } from './pin-hash.ts';

/**
 * Pinned tool definitions, decided purely (issue 14). A server's tools are pinned — each tool's whole wire
 * definition, by hash — the first time the hub sees them. Every later listing is compared with the pins: a
 * tool whose definition is unchanged is listed as usual; a changed or new one is WITHHELD (not listed, not
 * callable) until a person approves it, as the server's policy says. A pinned tool the server stopped listing
 * keeps its pin: if it comes back unchanged it is simply there again, if it comes back changed it is withheld.
 */

/** One approved definition. */
export interface ToolPin {
  hash: string;
  /** The canonical JSON of the approved definition (what a change is diffed against). */
  definition: string;
  /** Epoch ms when it was pinned or approved. */
  pinnedAt: number;
}

/** A server's pin set: it exists from the first time the server's tools were seen (even with no tools). */
export interface ServerPins {
  pinnedAt: number;
  tools: ReadonlyMap<string, ToolPin>;
}

export type PendingKind = 'changed' | 'new';

/** A tool withheld from clients until it is approved. */
export interface WithheldTool {
  name: string;
  kind: PendingKind;
  /** Hash of the definition the server offers now (what approving pins). */
  hash: string;
  tool: Tool;
}

/** A pin to write: the tool's current definition becomes the approved one. */
export interface PinWrite {
  name: string;
  hash: string;
  definition: string;
}

export interface PinEvaluation {
  /** The tools clients see. */
  visible: Tool[];
  withheld: WithheldTool[];
  /** Pins to write now without asking: every tool at the first sighting, and what the policy accepts itself. */
  toPin: PinWrite[];
  /** The server's tools were seen for the first time: its pin set is created along with `toPin`. */
  firstSighting: boolean;
  /** Pinned tools the server no longer lists. */
  removed: string[];
}

/** The policy of a server, its default applied (rows stored before the field existed have none). */
export function toolChangePolicyOf(server: { toolChanges?: ToolChangePolicy }): ToolChangePolicy {
  return server.toolChanges ?? DEFAULT_TOOL_CHANGE_POLICY;
}

/**
 * Compares a listing with the server's pins. `hashOf` lets a caller reuse hashes it already computed for the
 * same definitions (the catalog decorator memoizes per catalog refresh).
 */
export function evaluatePins(
  tools: readonly Tool[],
  pins: ServerPins | undefined,
  policy: ToolChangePolicy,
  hashOf: (tool: Tool) => string = toolPinHash,
): PinEvaluation {
  const write = (tool: Tool, hash: string): PinWrite => ({
    name: tool.name,
    hash,
    definition: canonicalJson(tool),
  });
  if (pins === undefined) {
    return {
      visible: [...tools],
      withheld: [],
      toPin: tools.map((tool) => write(tool, hashOf(tool))),
      firstSighting: true,
      removed: [],
    };
  }
  const visible: Tool[] = [];
  const withheld: WithheldTool[] = [];
  const toPin: PinWrite[] = [];
  for (const tool of tools) {
    const hash = hashOf(tool);
    const pinned = pins.tools.get(tool.name);
    if (pinned?.hash === hash) {
      visible.push(tool);
      continue;
    }
    const kind: PendingKind = pinned === undefined ? 'new' : 'changed';
    const accepted = policy === 'trust' || (policy === 'approve-new-only' && kind === 'changed');
    if (accepted) {
      visible.push(tool);
      toPin.push(write(tool, hash));
    } else {
      withheld.push({ name: tool.name, kind, hash, tool });
    }
  }
  const listed = new Set(tools.map((tool) => tool.name));
  const removed = [...pins.tools.keys()].filter((name) => !listed.has(name)).sort();
  return { visible, withheld, toPin, firstSighting: false, removed };
}
