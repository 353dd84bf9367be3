import MiniSearch from 'minisearch';
import type { ActionClass, SearchableTool, ToolDocument } from './tool-documents.ts';
import { actionOf, intentOf, toolDocument } from './tool-documents.ts';
import { expansionsOf } from './thesaurus.ts';
import { normalizeWord, splitWords, valueWords } from './words.ts';

/**
 * Offline tool search, in process: BM25 over each tool's fields (MiniSearch), then a second stage that demotes
 * tools whose action contradicts the task (a question does not want a tool that creates or deletes, a task that
 * only asks to change something does not want a tool that only reads; only a task that asks to delete wants a tool
 * that deletes). Every number here was chosen on the benchmark's development half and is reported on the held-out
 * half (bench/tool-search.ts, docs/decisions/profiles-and-tool-search.md).
 */

/** How each field weighs. The server's own words weigh most: "slack", "notion", "kubernetes" name the tool set. */
const FIELD_BOOSTS: Record<keyof Omit<ToolDocument, 'id'>, number> = {
  name: 1,
  title: 1,
  description: 1,
  server: 3,
  params: 0.2,
};
/**
 * Saturation and length normalisation of BM25 (MiniSearch's defaults are k 1.2, b 0.7, d 0.5). d 0 is plain BM25:
 * BM25+'s d adds a bonus per matching field whatever its length, which favoured long descriptions that mention a
 * word once (development half, k 2: MRR 0.795 → 0.822; it helped without the thesaurus too).
 */
const BM25 = { k: 3, b: 0.75, d: 0 };
/** Query words of at least this length also match longer indexed words ("issue" → issues), at this weight. */
const PREFIX_MIN_LENGTH = 4;
const PREFIX_WEIGHT = 0.1;
/** Weight of a thesaurus word against the person's own words. */
const EXPANSION_WEIGHT = 0.5;
/** Weight of a word that only stands in a value (`facebook/react`, quoted text): see valueWords. */
const VALUE_WEIGHT = 0.3;
/**
 * Score factor of a tool that deletes when the task does not ask to, of a writing tool for a question, and of a
 * reading tool for a task that only asks to write.
 */
const UNASKED_DELETE = 0.5;
const WRITE_FOR_A_QUESTION = 0.5;
const READ_FOR_A_CHANGE = 0.5;

export interface ToolHit {
  id: string;
  score: number;
}

export interface SearchOptions {
  /** Most hits returned; default 10. */
  limit?: number;
  /** Only tools whose id passes (a profile's tools). */
  filter?: (id: string) => boolean;
}

/** The tools of one server, and a string that changes whenever they (or how they read) may have changed. */
export interface ToolGroup {
  /** Unique per group: the server's prefix. */
  key: string;
  fingerprint: string;
  tools: readonly SearchableTool[];
}

export interface ToolIndex {
  /** Tools indexed. */
  readonly size: number;
  /**
   * Makes the index hold exactly `groups`: groups whose fingerprint is unchanged are kept as they are, the others
   * re-indexed, missing ones dropped. A catalog change of one server re-indexes that server only.
   */
  sync(groups: readonly ToolGroup[]): void;
  /** The best tools for a task described in plain words, best first; [] for a query with no meaningful word. */
  search(query: string, options?: SearchOptions): ToolHit[];
}

/**
 * The query as the index searches it: the person's words (those that only stand in values last, from `plain` on),
 * then the thesaurus words for the others.
 */
export function expandQuery(query: string): {
  words: string[];
  plain: number;
  expansions: string[];
  raw: string[];
} {
  const raw = splitWords(query).map((w) => w.toLowerCase());
  const values = valueWords(query);
  const meaningful = raw.map(normalizeWord).filter((w): w is string => w !== null);
  const plainWords = meaningful.filter((w) => !values.has(w));
  const words = [...plainWords, ...meaningful.filter((w) => values.has(w))];
  const expansions = expansionsOf(raw.filter((w) => !values.has(w)));
  return { words, plain: plainWords.length, expansions, raw };
}

/** Builds an index holding `groups` (tool ids must be unique; a later duplicate is ignored). */
export function createToolIndex(groups: readonly ToolGroup[] = []): ToolIndex {
  const search = new MiniSearch<ToolDocument>({
    fields: Object.keys(FIELD_BOOSTS),
    storeFields: [],
    idField: 'id',
    tokenize: (text) => splitWords(text),
    processTerm: (term) => normalizeWord(term),
  });
  const actions = new Map<string, ActionClass>();
  const held = new Map<string, { fingerprint: string; ids: string[] }>();

  const drop = (key: string) => {
    const group = held.get(key);
    if (!group) return;
    search.discardAll(group.ids);
    for (const id of group.ids) actions.delete(id);
    held.delete(key);
  };
  const add = (group: ToolGroup) => {
    const documents: ToolDocument[] = [];
    for (const entry of group.tools) {
      if (actions.has(entry.id)) continue;
      actions.set(entry.id, actionOf(entry.tool));
      documents.push(toolDocument(entry));
    }
    search.addAll(documents);
    held.set(group.key, { fingerprint: group.fingerprint, ids: documents.map((d) => d.id) });
  };
  const index: ToolIndex = {
    get size() {
      return actions.size;
    },
    sync(next) {
      const wanted = new Map(next.map((group) => [group.key, group]));
      for (const [key, group] of [...held]) {
        if (wanted.get(key)?.fingerprint !== group.fingerprint) drop(key);
      }
      for (const group of wanted.values()) if (!held.has(group.key)) add(group);
    },
    search(query, options = {}) {
      const limit = Math.max(1, Math.floor(options.limit ?? 10));
      const { words, plain, expansions, raw } = expandQuery(query);
      if (words.length === 0 && expansions.length === 0) return [];
      const own = words.length;
      const filter = options.filter;
      const results = search.search([...words, ...expansions].join(' '), {
        boost: FIELD_BOOSTS,
        combineWith: 'OR',
        bm25: BM25,
        prefix: (term) => term.length >= PREFIX_MIN_LENGTH,
        fuzzy: false,
        weights: { fuzzy: 0, prefix: PREFIX_WEIGHT },
        boostTerm: (_term, i) => (i < plain ? 1 : i < own ? VALUE_WEIGHT : EXPANSION_WEIGHT),
        filter: filter && ((result) => filter(result.id as string)),
      });
      // Second stage: demote tools whose action the task does not ask for.
      const intent = intentOf([...raw, ...expansions]);
      const { readOnly: questionOnly, writeOnly } = intentOf(raw);
      const ranked = results.map((result) => {
        const action = actions.get(result.id as string) ?? 'other';
        let score = result.score;
        if (action === 'delete' && !intent.destructive) score *= UNASKED_DELETE;
        if (questionOnly && (action === 'write' || action === 'delete')) score *= WRITE_FOR_A_QUESTION;
        if (writeOnly && action === 'read') score *= READ_FOR_A_CHANGE;
        return { id: result.id as string, score };
      });
      ranked.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return ranked.slice(0, limit);
    },
  };
  index.sync(groups);
  return index;
}
