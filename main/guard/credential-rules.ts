import { rules as secretlintRules } from '@secretlint/secretlint-rule-preset-recommend';

/**
 * Well-known credential formats, for the leak guard: the rules of secretlint's recommended preset
 * (@secretlint/secretlint-rule-preset-recommend, MIT, pinned in package.json — cloud keys, GitHub, GitLab,
 * Slack, Stripe, OpenAI, Anthropic, private keys, database URLs with passwords …) plus a small curated set
 * for what the preset has no rule for, or finds only at a cost (JWTs, Google API keys, AWS access key ids). See
 * docs/decisions/tool-pins-and-leak-guard.md.
 *
 * The preset's rules are used directly through secretlint's rule API (`create(context, options)` returning a
 * synchronous `file(source)` handler that calls `context.report`), without secretlint's asynchronous linter:
 * the tool-call hooks are synchronous. What a rule reports is turned into spans to redact and a kind; its
 * message, which quotes the value, is never kept.
 */

/** One credential found in a text: where it is and what it is; never logged. */
export interface CredentialHit {
  kind: string;
  start: number;
  end: number;
}

/** A set of credential formats that can be searched for in one text. */
export interface CredentialRules {
  /** The rule names, for the decision doc and tests. */
  readonly names: readonly string[];
  /** Every credential in `text` (spans may overlap; the scanner merges them). */
  find(text: string): CredentialHit[];
  /** Rules that threw since the last call (their ids only), for one log line. */
  takeFailures(): string[];
}

// ---- secretlint's rule API, the part these rules use ----

interface RuleReport {
  message: string;
  range: readonly [number, number];
}
interface RuleContext {
  report(descriptor: RuleReport): void;
  createTranslator(messages: unknown): (id: string, props?: Record<string, unknown>) => string;
  ignore(descriptor: unknown): void;
}
interface RuleSource {
  content: string;
  filePath: string;
  ext: string;
  contentType: 'text';
}
interface RuleCreator {
  meta: { id: string; type: string; supportedContentTypes?: readonly string[] };
  create(context: RuleContext, options: Record<string, unknown>): { file?(source: RuleSource): void };
}

/** Kind names of the preset's rules (the marker says `[REDACTED:<kind>]`). */
const KIND_OF_RULE: Record<string, string> = {
  aws: 'aws-credential',
  gcp: 'gcp-credential',
  npm: 'npm-token',
  slack: 'slack-token',
  basicauth: 'basic-auth-password',
  openai: 'openai-key',
  anthropic: 'anthropic-key',
  groq: 'groq-key',
  huggingface: 'huggingface-token',
  linear: 'linear-key',
  notion: 'notion-token',
  privatekey: 'private-key',
  sendgrid: 'sendgrid-key',
  shopify: 'shopify-token',
  stripe: 'stripe-key',
  github: 'github-token',
  gitlab: 'gitlab-token',
  grafana: 'grafana-token',
  '1password': '1password-token',
  'database-connection-string': 'database-password',
  'hashicorp-vault': 'hashicorp-vault-token',
  vercel: 'vercel-token',
  databricks: 'databricks-token',
  docker: 'docker-token',
  figma: 'figma-token',
  cloudflare: 'cloudflare-token',
  tailscale: 'tailscale-key',
};

/** Per-message kinds where one rule reports different things. */
const KIND_OF_MESSAGE: Record<string, string | null> = {
  AWSSecretAccessKey: 'aws-secret-key',
};

/** Rules never used: comment directives (`secretlint-disable`) would let a server switch the guard off. */
const EXCLUDED_RULES = new Set(['@secretlint/secretlint-rule-filter-comments']);

/**
 * What the preset has no rule for, or finds only with an option that costs more than it gives: the AWS rule
 * scans access key ids alone only under `enableIDScanRule`, which also runs an account-number scan on every
 * text (1% of serve's CPU per tools/call) whose hits the guard must drop (a number identifies, it does not
 * authenticate). The access key pattern is the rule's own, with the same built-in allowance for AWS's
 * documentation example.
 */
const CURATED: { kind: string; pattern: RegExp; allowed?: ReadonlySet<string> }[] = [
  {
    kind: 'aws-access-key',
    pattern: /\b(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}\b/g,
    allowed: new Set(['AKIAIOSFODNN7EXAMPLE']),
  },
  // A signed JWT: base64url header and payload that both start with `{"` (eyJ), and a signature.
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
];

// Message props that hold the matched value (the others name files or token types).
const VALUE_PROPS = new Set(['KEY', 'ID', 'TOKEN', 'URI', 'URL', 'CREDENTIAL']);

/** The preset's rules plus the curated ones, each rule instantiated once. */
export function createCredentialRules(): CredentialRules {
  let hits: CredentialHit[] = [];
  let content = '';
  // The props of the message being built: the value a rule matched (the preset's AWS secret-key rule reports a
  // range that starts at the assignment, not at the key, so the value itself is searched for as well).
  let lastProps: Record<string, unknown> | undefined;
  const instantiated = (secretlintRules as unknown as readonly RuleCreator[])
    .filter((rule) => rule.meta.type === 'scanner' && !EXCLUDED_RULES.has(rule.meta.id))
    .map((rule) => {
      const suffix = rule.meta.id.replace('@secretlint/secretlint-rule-', '');
      const ruleKind = KIND_OF_RULE[suffix] ?? suffix;
      const context: RuleContext = {
        report({ message, range }) {
          const kind = message in KIND_OF_MESSAGE ? KIND_OF_MESSAGE[message] : ruleKind;
          const props = lastProps;
          lastProps = undefined;
          if (kind === null || kind === undefined) return;
          const [start, end] = range;
          if (end > start) hits.push({ kind, start, end });
          for (const [name, value] of Object.entries(props ?? {})) {
            if (!VALUE_PROPS.has(name) || typeof value !== 'string' || value.length < 8) continue;
            const at = content.indexOf(value, Math.max(0, start - value.length));
            if (at >= 0) hits.push({ kind, start: at, end: at + value.length });
          }
        },
        createTranslator: () => (id, props) => {
          lastProps = props;
          return id;
        },
        ignore: () => undefined,
      };
      return { id: rule.meta.id, handlers: rule.create(context, {}) };
    });
  const source: RuleSource = { content: '', filePath: 'tool-result.txt', ext: '.txt', contentType: 'text' };
  const failures = new Set<string>();

  return {
    names: [...instantiated.map((r) => r.id), ...CURATED.map((c) => `switchboard:${c.kind}`)],
    find(text) {
      hits = [];
      content = text;
      source.content = text;
      for (const rule of instantiated) {
        lastProps = undefined;
        try {
          rule.handlers.file?.(source);
        } catch {
          // A rule that cannot read this text finds nothing in it; the others still run. Its error may quote
          // the text, so it is not kept.
          failures.add(rule.id);
        }
      }
      for (const { kind, pattern, allowed } of CURATED) {
        pattern.lastIndex = 0;
        for (const match of text.matchAll(pattern)) {
          if (allowed?.has(match[0])) continue;
          hits.push({ kind, start: match.index, end: match.index + match[0].length });
        }
      }
      const found = hits;
      hits = [];
      content = '';
      source.content = '';
      return found;
    },
    takeFailures() {
      const ids = [...failures];
      failures.clear();
      return ids;
    },
  };
}
