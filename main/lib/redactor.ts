/** Placeholder written wherever a secret value was removed. */
export const REDACTED = '[REDACTED]';

// Secrets shorter than this are not redacted by value: replacing "1" or "ab" everywhere would shred logs
// while hiding nothing worth hiding. Such values are still never logged on purpose.
const MIN_SECRET_LENGTH = 4;

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

  /** Remembers a secret value so every later `redact` removes it. */
  add(value: string): void {
    if (value.length >= MIN_SECRET_LENGTH) this.secrets.add(value);
  }

  /** Forgets a secret value (after it was unset). */
  remove(value: string): void {
    this.secrets.delete(value);
  }

  /** Returns `text` with every known secret and credential-looking token replaced by [REDACTED]. */
  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is removed whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(secret).join(REDACTED);
    }
    for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, `$1${REDACTED}`);
    return out;
  }
}
