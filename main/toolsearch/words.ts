/**
 * The words of tool definitions and of queries, the same way for both: split on anything that is not a letter or
 * a digit (`_ - . : /` and spaces) and between camelCase humps (`listPullRequests` → list, pull, requests,
 * `HTTPServer` → http, server), lowercased, English stop words and one-letter words dropped (digits kept).
 *
 * No stemming: Porter stemming and a plural-only stemmer both ranked worse on the benchmark's development split
 * (docs/decisions/profiles-and-tool-search.md); prefix matching of longer query words (tool-index.ts) covers
 * plural and -ing forms instead.
 */

/** Splits text into raw words (case kept). */
export function splitWords(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0);
}

/** Words that say nothing about which tool a task needs. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be but by for if in into is it no not of on or such that the their then there these ' +
    'they this to was will with i me my we our you your he she him her its them what which who whom whose ' +
    'when where why how all any both each few more most other some do does did doing done have has had having ' +
    'am been being can could should would may might must shall please let lets so than too very just also up ' +
    'down out off over under again further once here about above below from between through during before ' +
    'after want need like tell show give get make go use using used now'
  ).split(' '),
);

/** One word as it is indexed and searched: lowercased, or null when it carries no meaning. */
export function normalizeWord(word: string): string | null {
  const lower = word.toLowerCase();
  if (STOP_WORDS.has(lower)) return null;
  if (lower.length < 2 && !/\d/.test(lower)) return null;
  return lower;
}

/** The meaningful words of `text`, in order. */
export function wordsOf(text: string): string[] {
  const out: string[] = [];
  for (const word of splitWords(text)) {
    const normalized = normalizeWord(word);
    if (normalized !== null) out.push(normalized);
  }
  return out;
}

/**
 * The words of a query that only stand inside values — quoted text (`type 'yes'`), names with `/ . @ : # \` inside
 * (`facebook/react`, `src/app.ts`, `competitor.com`, `me@x.io`) — lowercased. They name what a tool acts on, not
 * which tool: "react" in `facebook/react` is not an emoji reaction. A word that also stands outside a value is not
 * one of them.
 */
export function valueWords(query: string): Set<string> {
  const values: string[] = [];
  const keep = (value: string) => {
    values.push(value);
    return ' ';
  };
  const rest = query
    // A quote opens after a space (or at the start) and closes before one: "don't" and "john's" are no quotes.
    .replace(
      /(^|\s)(["'`\u201c\u2018])(.+?)["'`\u201d\u2019](?=\s|$|[.,;:!?])/g,
      (_m, lead: string, _q, body: string) => {
        values.push(body);
        return `${lead} `;
      },
    )
    .replace(/\S*[A-Za-z0-9][/.@:#\\][A-Za-z0-9]\S*/g, keep);
  const plain = new Set(splitWords(rest).map((w) => w.toLowerCase()));
  const out = new Set<string>();
  for (const value of values) {
    for (const word of splitWords(value)) if (!plain.has(word.toLowerCase())) out.add(word.toLowerCase());
  }
  return out;
}
