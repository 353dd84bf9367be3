import { secretForms } from './secret-forms.ts';

/** Placeholder written wherever a secret value was removed. */
export const REDACTED = '[REDACTED]';

// Credential shapes that must never reach a log even when we do not know the exact value.
const CREDENTIAL_PATTERNS: RegExp[] = [
  /(\bbearer\s+)[A-Za-z0-9\-._~+/]+=*/gi,
  /("?(?:access_token|refresh_token|id_token|client_secret|password|authorization)"?\s*[:=]\s*"?)[^"\s,&}]+/gi,
];

/**
 * Exact-value redaction of the user's known secrets plus generic credential shapes.
 * Values are added as the vault decrypts them, so anything that passed through main can be scrubbed.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | null | undefined;

  /** Remembers a secret value so every later `redact` removes it, in every form it can take (secret-forms.ts). */
  add(value: string): void {
    if (secretForms(value).length === 0 || this.secrets.has(value)) return;
    this.secrets.add(value);
    this.pattern = undefined;
  }

  /** Forgets a secret value (after it was unset). */
  remove(value: string): void {
    if (this.secrets.delete(value)) this.pattern = undefined;
  }

  /** Returns `text` with every known secret and credential-looking token replaced by [REDACTED]. */
  redact(text: string): string {
    let out = this.redactKnown(text);
    for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, `$1${REDACTED}`);
    return out;
  }

  /**
   * Only the user's known secrets, in every form: for text that masks credential shapes its own way (the
   * connect preview keeps the `Bearer` before its token placeholder readable).
   */
  redactKnown(text: string): string {
    const known = this.compiled();
    return known === null ? text : text.replace(known, REDACTED);
  }

  /** One alternation of every form of every secret, longest first (a secret that contains another goes whole). */
  private compiled(): RegExp | null {
    if (this.pattern !== undefined) return this.pattern;
    const forms = [...new Set([...this.secrets].flatMap(secretForms))].sort((a, b) => b.length - a.length);
    this.pattern = forms.length === 0 ? null : new RegExp(forms.map(escapeRegExp).join('|'), 'g');
    return this.pattern;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
