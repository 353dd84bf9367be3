import { secretForms } from '../lib/secret-forms.ts';
import type { CredentialRules } from './credential-rules.ts';
import type { ExactMatcher } from './exact-matcher.ts';
import { createExactMatcher } from './exact-matcher.ts';

/**
 * The leak guard's scanner, built once per vault change: every string in a tool result (or in the arguments of
 * a call) is searched for the exact values of the vault's secrets in every form they can take (secret-forms.ts:
 * raw, JSON-escaped, URL- and form-encoded, base64 whole and as fragments) and, in results, for well-known
 * credential formats (credential-rules.ts). What it finds is reported as kinds and counts; `redacted()` is the
 * same value with each find replaced by `[REDACTED:<kind>]`. Values are never kept anywhere else.
 */

/** A secret the vault holds, with the server it belongs to (undefined: no server, e.g. a draft's). */
export interface VaultSecret {
  value: string;
  serverId: number | undefined;
}

export interface Finding {
  kind: string;
  count: number;
}

export interface ScanResult<T> {
  findings: Finding[];
  /** The value with every find replaced by a marker (the value itself when nothing was found). */
  redacted(): T;
}

export interface SecretScanner {
  /** How many secret forms it searches for (tests, the bench). */
  readonly forms: number;
  /** A result going to a client: every vault secret (any server's) and every known credential format. */
  scanResult<T>(value: T): ScanResult<T>;
  /** Arguments going to server `serverId`: the secrets of every OTHER server (exfiltration). */
  scanArguments<T>(value: T, serverId: number | undefined): ScanResult<T>;
}

/** The kind of a vault secret found in a result, and of another server's secret found in arguments. */
export const VAULT_SECRET = 'vault-secret';
export const OTHER_SERVER_SECRET = 'other-server-secret';

/**
 * Shorter values are not searched for: a "secret" variable holding `prod` or `us-east-1` would shred every
 * result that mentions it. Real credentials are far longer.
 */
export const MIN_GUARDED_LENGTH = 8;

/** The marker a find is replaced with. */
export function marker(kind: string): string {
  return `[REDACTED:${kind}]`;
}

/** Builds the scanner over the vault's secrets and a credential rule set. */
export function createSecretScanner(secrets: readonly VaultSecret[], rules: CredentialRules): SecretScanner {
  const owners = new Map<string, Set<number | undefined>>();
  for (const secret of secrets) {
    if (secret.value.length < MIN_GUARDED_LENGTH) continue;
    for (const form of secretForms(secret.value)) {
      if (form.length < MIN_GUARDED_LENGTH) continue;
      let set = owners.get(form);
      if (!set) owners.set(form, (set = new Set()));
      set.add(secret.serverId);
    }
  }
  const forms = [...owners.keys()];
  const ownersOf = forms.map((form) => owners.get(form)!);
  const matcher: ExactMatcher = createExactMatcher(forms);

  const scan = <T>(value: T, exact: { kind: string; accept?: (p: number) => boolean }, formats: boolean) => {
    const texts = collectStrings(value);
    if (texts.length === 0) return nothingFound(value);
    // One text for all strings (a NUL never occurs in a form): the rules' fixed cost is paid once per call.
    const joined = texts.length === 1 ? texts[0]! : texts.join('\u0000');
    const spans: Span[] = [];
    if (matcher.size > 0) {
      for (const m of matcher.find(joined, exact.accept))
        spans.push({ start: m.start, end: m.end, kind: exact.kind, exact: true });
    }
    if (formats) {
      for (const hit of rules.find(joined)) spans.push({ ...hit, exact: false });
    }
    if (spans.length === 0) return nothingFound(value);
    const merged = mergeSpans(spans);
    const findings: Finding[] = [];
    for (const span of merged) {
      const same = findings.find((f) => f.kind === span.kind);
      if (same) same.count += 1;
      else findings.push({ kind: span.kind, count: 1 });
    }
    return {
      findings,
      redacted: () => replaceStrings(value, redactTexts(texts, merged)),
    } satisfies ScanResult<T>;
  };

  return {
    forms: forms.length,
    scanResult: (value) => scan(value, { kind: VAULT_SECRET }, true),
    scanArguments: (value, serverId) =>
      scan(
        value,
        // A secret the receiving server owns (alone or shared with another) is its own to receive.
        { kind: OTHER_SERVER_SECRET, accept: (pattern) => !ownersOf[pattern]!.has(serverId) },
        false,
      ),
  };
}

interface Span {
  start: number;
  end: number;
  kind: string;
  /** An exact vault value: it wins over a format rule's find that overlaps it. */
  exact: boolean;
}

function nothingFound<T>(value: T): ScanResult<T> {
  return { findings: [], redacted: () => value };
}

/** Overlapping finds become one (counted once); an exact vault value names the kind of the merged find. */
function mergeSpans(spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start < last.end) {
      last.end = Math.max(last.end, span.end);
      if (span.exact && !last.exact) {
        last.kind = span.kind;
        last.exact = true;
      }
      continue;
    }
    merged.push({ ...span });
  }
  return merged;
}

/** The texts with the merged spans (over their NUL-joined concatenation) replaced by markers. */
function redactTexts(texts: readonly string[], spans: readonly Span[]): string[] {
  const out: string[] = [];
  let offset = 0;
  let s = 0;
  for (const text of texts) {
    const end = offset + text.length;
    let result = '';
    let cursor = 0;
    while (s < spans.length && spans[s]!.start < end) {
      const span = spans[s]!;
      const from = Math.max(span.start, offset) - offset;
      const to = Math.min(span.end, end) - offset;
      if (to > from) {
        result += text.slice(cursor, from) + marker(span.kind);
        cursor = to;
      }
      if (span.end > end) break; // continues into the next text
      s++;
    }
    out.push(cursor === 0 ? text : result + text.slice(cursor));
    offset = end + 1; // the NUL between two texts
  }
  return out;
}

/** Every string in a JSON-like value (object keys included), depth first, in a fixed order. */
function collectStrings(value: unknown): string[] {
  const texts: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') texts.push(v);
    else if (Array.isArray(v)) for (const item of v) walk(item);
    else if (typeof v === 'object' && v !== null) {
      for (const [key, item] of Object.entries(v)) {
        texts.push(key);
        walk(item);
      }
    }
  };
  walk(value);
  return texts;
}

/** A copy of `value` whose strings (in collectStrings' order) are `texts`. */
function replaceStrings<T>(value: T, texts: readonly string[]): T {
  let next = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return texts[next++];
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const item of Object.values(v)) {
        const name = texts[next++]!;
        out[name] = walk(item);
      }
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
