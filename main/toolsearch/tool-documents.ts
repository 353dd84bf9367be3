import type { Tool } from '@modelcontextprotocol/client';
import { splitWords } from './words.ts';

/**
 * What the search index holds per tool: a document of separate fields (so each can weigh differently) and the
 * tool's action class (so a question does not rank a tool that deletes or creates first).
 */

/** One tool as the index is built from it. */
export interface SearchableTool {
  /** Stable id: `<prefix>\0<upstream name>` (see toolKey). */
  id: string;
  prefix: string;
  tool: Tool;
  /** The server as the person registered it: its name and description, when it has one. */
  server: { name: string; description?: string };
}

/** The fields of one indexed document. */
export interface ToolDocument {
  id: string;
  /** The upstream's tool name (split into words by the tokenizer: `list_pull_requests`, `listPullRequests`). */
  name: string;
  title: string;
  description: string;
  /** The prefix, the server's name and description, and what the server says it is (serverInfo title). */
  server: string;
  /** Descriptions of the parameters, nested ones included. Not their names: those ranked worse. */
  params: string;
}

/** The id of a tool in the index. */
export function toolKey(prefix: string, name: string): string {
  return `${prefix}\0${name}`;
}

const MAX_PARAM_DEPTH = 3;

/** The parameter descriptions of an input schema, depth first, nested objects and array items included. */
export function parameterDescriptions(schema: unknown, depth = 0): string[] {
  if (schema === null || typeof schema !== 'object' || depth > MAX_PARAM_DEPTH) return [];
  const properties = (schema as { properties?: unknown }).properties;
  if (properties === null || typeof properties !== 'object') return [];
  const out: string[] = [];
  for (const value of Object.values(properties as Record<string, unknown>)) {
    if (value === null || typeof value !== 'object') continue;
    const description = (value as { description?: unknown }).description;
    if (typeof description === 'string') out.push(description);
    out.push(...parameterDescriptions(value, depth + 1));
    const items = (value as { items?: unknown }).items;
    if (items !== undefined) out.push(...parameterDescriptions(items, depth + 1));
  }
  return out;
}

/** The document of one tool. */
export function toolDocument(entry: SearchableTool): ToolDocument {
  const { tool } = entry;
  const annotations = tool.annotations as { title?: unknown } | undefined;
  const title = tool.title ?? (typeof annotations?.title === 'string' ? annotations.title : '');
  return {
    id: entry.id,
    name: tool.name,
    title,
    description: tool.description ?? '',
    server: [entry.prefix, entry.server.name, entry.server.description ?? ''].join(' '),
    params: parameterDescriptions(tool.inputSchema).join(' '),
  };
}

/** What a tool does to the world, as far as its name (or its read-only annotation) tells. */
export type ActionClass = 'read' | 'write' | 'delete' | 'other';

const READ_VERBS = new Set(
  'get list read search find fetch query describe show view retrieve lookup inspect check count explain stats status info whoami browse select aggregate export download preview diff log blame'.split(
    ' ',
  ),
);
const WRITE_VERBS = new Set(
  'create add new post send write insert upload push commit generate make set put publish append invite fork deploy update edit modify patch rename move change replace upsert'.split(
    ' ',
  ),
);
const DELETE_VERBS = new Set(
  'delete remove drop destroy purge clear kill terminate revoke cancel close reset uninstall'.split(' '),
);

/**
 * The action class of a tool: the first verb of its name (`TwilioApiV2010--ListMessage` → list → read;
 * `delete_issue` → delete), where "post" only counts when no other verb follows (`API-post-search` searches). A
 * tool annotated read-only is `read` whatever its name says.
 */
export function actionOf(tool: Pick<Tool, 'name' | 'annotations'>): ActionClass {
  if ((tool.annotations as { readOnlyHint?: unknown } | undefined)?.readOnlyHint === true) return 'read';
  const words = splitWords(tool.name).map((w) => w.toLowerCase());
  for (const word of words) {
    if (DELETE_VERBS.has(word)) return 'delete';
    if (word !== 'post' && WRITE_VERBS.has(word)) return 'write';
    if (READ_VERBS.has(word)) return 'read';
  }
  return words.includes('post') ? 'write' : 'other';
}

const QUERY_READ = new Set(
  'what which who whom show list find read see check view display tell how many much where when search look get fetch any is are was did does'.split(
    ' ',
  ),
);
const QUERY_WRITE = new Set(
  'create add new make write save post send put set update edit change modify rename move replace fix upload push commit deploy open invite append insert draft schedule generate draw type fill click'.split(
    ' ',
  ),
);
const QUERY_DELETE = new Set(
  'delete remove drop destroy erase wipe purge clear kill terminate forget close cancel revoke stop uninstall'.split(
    ' ',
  ),
);

/** What a task asks for, from its raw lowercased words (and their thesaurus words). */
export interface QueryIntent {
  /** Asks to look something up and names nothing to change. */
  readOnly: boolean;
  /** Asks to delete, close, stop … something. */
  destructive: boolean;
  /** Asks to create or change something and asks no question ("leave a comment on the MR"). */
  writeOnly: boolean;
}

/** The intent of a query's words. */
export function intentOf(words: readonly string[]): QueryIntent {
  const has = (set: ReadonlySet<string>) => words.some((w) => set.has(w));
  const destructive = has(QUERY_DELETE);
  const read = has(QUERY_READ);
  const write = has(QUERY_WRITE);
  return { readOnly: read && !write && !destructive, destructive, writeOnly: write && !read };
}
