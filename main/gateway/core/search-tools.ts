import type { CallToolResult, Tool } from '@modelcontextprotocol/client';
import { toolCard, fullDefinition } from '../../toolsearch/tool-cards.ts';
import type { ToolIndex } from '../../toolsearch/tool-index.ts';
import { toolKey } from '../../toolsearch/tool-documents.ts';
import { toolErrorResult } from './call-outcome.ts';
import type { NameTarget } from './tool-names.ts';
import type { LocalTool, ToolRefusal } from './tool-view.ts';

/**
 * Search mode's meta-tools (issue 13): instead of every tool, a connection lists a search tool (task → compact tool
 * cards), a describe tool (name → full definition) and a call tool (name + arguments → the tool's own result),
 * all answered by the hub. The call tool reaches the real tool through the client call path, so hooks, timeouts,
 * progress and the call-log row (under the real tool's name) are those of a direct call.
 */

export const SEARCH_TOOL = 'switchboard_search_tools';
export const DESCRIBE_TOOL = 'switchboard_describe_tool';
export const CALL_TOOL = 'switchboard_call_tool';
export const META_TOOL_NAMES: readonly string[] = [SEARCH_TOOL, DESCRIBE_TOOL, CALL_TOOL];

export const DEFAULT_SEARCH_LIMIT = 8;
const MAX_SEARCH_LIMIT = 25;
const MAX_SERVERS_NAMED = 20;

/** The tools one search-mode view reaches, and how to find them. */
export interface SearchableView {
  /** Exposed name → the tool (under its exposed name) and where calls to it go. */
  tools: ReadonlyMap<string, { tool: Tool; target: NameTarget }>;
  /** The index over every enabled tool, synced now (the view filters it to its own tools). */
  index(): ToolIndex;
  /** Why a name outside the view is refused (outside the profile, pending approval …). */
  refusal(exposed: string): ToolRefusal | undefined;
}

/** The definitions (listed first in tools/list) and the hub's answers of the meta-tools of one view. */
export function searchModeTools(view: SearchableView): {
  definitions: Tool[];
  local: Map<string, LocalTool>;
} {
  const servers = [...new Set([...view.tools.values()].map((t) => t.target.prefix))].sort();
  const named =
    servers.length <= MAX_SERVERS_NAMED
      ? servers.join(', ')
      : `${servers.slice(0, MAX_SERVERS_NAMED).join(', ')} and ${servers.length - MAX_SERVERS_NAMED} more`;
  const count = view.tools.size;
  const definitions: Tool[] = [
    {
      name: SEARCH_TOOL,
      title: 'Search tools',
      description:
        `Finds the right tool among the ${count} tools Switchboard offers here` +
        (servers.length > 0 ? ` (servers: ${named})` : '') +
        '. Describe the task in a few plain words ("create a GitHub issue", "read a local file", "search the web ' +
        'for news"). Answers one line per tool, best first: name — what it does (parameters; "?" marks optional ' +
        `ones). Then run it with ${CALL_TOOL}, after ${DESCRIBE_TOOL} if you need its full input schema. ` +
        'Nothing fits? Search again with other words.',
      inputSchema: {
        type: 'object',
        properties: {
          query: { type: 'string', description: 'The task, in plain words.' },
          limit: {
            type: 'integer',
            minimum: 1,
            maximum: MAX_SEARCH_LIMIT,
            description: `How many tools to return (default ${DEFAULT_SEARCH_LIMIT}).`,
          },
        },
        required: ['query'],
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    {
      name: DESCRIBE_TOOL,
      title: 'Describe a tool',
      description:
        `Shows the full definition of a tool that ${SEARCH_TOOL} found: description, input schema (argument names, ` +
        `types, which are required) and annotations. Use it before ${CALL_TOOL} when the one-line card is not enough.`,
      inputSchema: {
        type: 'object',
        properties: { name: { type: 'string', description: `The tool's name as ${SEARCH_TOOL} gave it.` } },
        required: ['name'],
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    {
      name: CALL_TOOL,
      title: 'Call a tool',
      description:
        `Runs any tool offered here by the name ${SEARCH_TOOL} gave (e.g. "github__create_issue"), with the ` +
        "tool's own arguments in `arguments`, and answers exactly what that tool answers. A wrong name or wrong " +
        'arguments come back as an error that says what to fix.',
      inputSchema: {
        type: 'object',
        properties: {
          name: { type: 'string', description: `The tool's name as ${SEARCH_TOOL} gave it.` },
          arguments: { type: 'object', description: "The tool's arguments, as its input schema describes." },
        },
        required: ['name'],
      },
    },
  ];

  // Index id → exposed name of the view's tools, made at the first search of this view.
  let ids: Map<string, string> | undefined;
  const idsOf = () => {
    if (!ids) {
      ids = new Map();
      for (const [exposed, entry] of view.tools)
        ids.set(toolKey(entry.target.prefix, entry.target.name), exposed);
    }
    return ids;
  };
  const local = new Map<string, LocalTool>([
    [SEARCH_TOOL, { call: async (args) => search(view, idsOf(), args) }],
    [DESCRIBE_TOOL, { call: async (args) => describe(view, args) }],
    [
      CALL_TOOL,
      {
        call: async (args, ctx) => {
          const name = args?.name;
          if (typeof name !== 'string' || name === '')
            return text(`Give \`name\`: the tool's name as ${SEARCH_TOOL} showed it.`, true);
          const found = lookup(view, name);
          if (!found) return notFound(view, name);
          const callArgs = args?.arguments;
          if (
            callArgs !== undefined &&
            (callArgs === null || typeof callArgs !== 'object' || Array.isArray(callArgs))
          )
            return text(
              `\`arguments\` must be an object of ${found.exposed}'s arguments (or left out).`,
              true,
            );
          return ctx.callUpstream(found.entry.target, callArgs as Record<string, unknown> | undefined);
        },
      },
    ],
  ]);
  return { definitions, local };
}

function text(message: string, isError = false): CallToolResult {
  return isError
    ? { content: [{ type: 'text', text: message }], isError: true }
    : { content: [{ type: 'text', text: message }] };
}

/**
 * A tool of the view by exposed name, or — for a model that dropped the `<server>__` part — by its upstream name
 * when exactly one tool of the view has it.
 */
function lookup(
  view: SearchableView,
  name: string,
): { exposed: string; entry: { tool: Tool; target: NameTarget } } | undefined {
  const direct = view.tools.get(name);
  if (direct) return { exposed: name, entry: direct };
  let match: { exposed: string; entry: { tool: Tool; target: NameTarget } } | undefined;
  for (const [exposed, entry] of view.tools) {
    if (entry.target.name !== name) continue;
    if (match) return undefined;
    match = { exposed, entry };
  }
  return match;
}

function notFound(view: SearchableView, name: string): CallToolResult {
  const refusal = view.refusal(name);
  if (refusal) return toolErrorResult(refusal.prefix, name, refusal.error, false);
  return text(`There is no tool named "${name}" here. Find the right name with ${SEARCH_TOOL}.`, true);
}

function search(
  view: SearchableView,
  ids: ReadonlyMap<string, string>,
  args: Record<string, unknown> | undefined,
): CallToolResult {
  const query = typeof args?.query === 'string' ? args.query.trim() : '';
  if (query === '') return text('Give `query`: the task in a few plain words.', true);
  const rawLimit =
    typeof args?.limit === 'number' && Number.isFinite(args.limit) ? args.limit : DEFAULT_SEARCH_LIMIT;
  const limit = Math.min(MAX_SEARCH_LIMIT, Math.max(1, Math.floor(rawLimit)));
  const hits = view.index().search(query, { limit, filter: (id) => ids.has(id) });
  if (hits.length === 0)
    return text(`No tool matches "${query}". Try other words (what the tool does, or the service's name).`);
  const lines = hits.map((hit, i) => {
    const exposed = ids.get(hit.id)!;
    return `${i + 1}. ${toolCard(exposed, view.tools.get(exposed)!.tool)}`;
  });
  return text(
    `${hits.length} of ${view.tools.size} tools, best first. Run one with ${CALL_TOOL}; ${DESCRIBE_TOOL} shows its full input schema.\n` +
      lines.join('\n'),
  );
}

function describe(view: SearchableView, args: Record<string, unknown> | undefined): CallToolResult {
  const name = typeof args?.name === 'string' ? args.name : '';
  if (name === '') return text(`Give \`name\`: the tool's name as ${SEARCH_TOOL} showed it.`, true);
  const found = lookup(view, name);
  if (!found) return notFound(view, name);
  return text(JSON.stringify(fullDefinition(found.exposed, found.entry.tool), null, 1));
}
