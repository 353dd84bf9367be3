/**
 * Heuristics for "this value is a credential": by variable or header name, or by the value's shape. They err
 * on the side of secrecy (a non-secret in the vault costs nothing; a token left in plain text does), except
 * for obvious non-secrets such as `true` or `8080`.
 */

const SECRET_SEGMENTS = new Set([
  'TOKEN',
  'TOKENS',
  'SECRET',
  'SECRETS',
  'KEY',
  'KEYS',
  'APIKEY',
  'PASSWORD',
  'PASSWD',
  'PASS',
  'PWD',
  'PASSPHRASE',
  'PAT',
  'CREDENTIAL',
  'CREDENTIALS',
  'AUTH',
  'AUTHORIZATION',
  'COOKIE',
]);

/** Known token formats: GitHub, GitLab, OpenAI/Anthropic, Slack, AWS, Google, Hugging Face, npm, Stripe, JWT … */
const SECRET_SHAPES: RegExp[] = [
  /^gh[pousr]_[A-Za-z0-9]{20,}/,
  /^github_pat_[A-Za-z0-9_]{20,}/,
  /^glpat-[A-Za-z0-9_-]{16,}/,
  /^sk-[A-Za-z0-9_-]{16,}/,
  /^xox[abposr]-[A-Za-z0-9-]{10,}/,
  /^xapp-[A-Za-z0-9-]{10,}/,
  /^AKIA[0-9A-Z]{16}$/,
  /^AIza[0-9A-Za-z_-]{30,}/,
  /^hf_[A-Za-z0-9]{20,}/,
  /^npm_[A-Za-z0-9]{30,}/,
  /^[rsp]k_(live|test)_[A-Za-z0-9]{10,}/,
  /^BSA[A-Za-z0-9_-]{20,}/,
  /^fc-[A-Za-z0-9]{20,}/,
  /^lin_(api|oauth)_[A-Za-z0-9]{20,}/,
  /^ntn_[A-Za-z0-9]{20,}/,
  /^sntrys_[A-Za-z0-9_=-]{20,}/,
  /^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./,
  /^(bearer|basic|token)\s+\S{8,}$/i,
];

const OBVIOUSLY_PLAIN = /^(true|false|yes|no|on|off|none|null|[0-9]{1,6})$/i;

/** Whether a variable or header name says it holds a credential (`GITHUB_TOKEN`, `apiKey`, `X-Api-Key`). */
export function looksSecretName(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  if (words.split(/[^A-Z0-9]+/).some((segment) => SECRET_SEGMENTS.has(segment))) return true;
  // Run-together words (ACCESSTOKEN, CLIENTSECRET) — but not PATH, which merely contains PAT.
  return /(TOKEN|SECRET|PASSWORD|CREDENTIAL|APIKEY)/.test(words.replace(/[^A-Z0-9]/g, ''));
}

/** Whether a value looks like a credential whatever its name: a known token format, a URL with a password, or random-looking text. */
export function looksSecretValue(value: string): boolean {
  const v = value.trim();
  if (v === '' || OBVIOUSLY_PLAIN.test(v)) return false;
  if (SECRET_SHAPES.some((shape) => shape.test(v))) return true;
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(v)) return true;
  return looksRandom(v);
}

/**
 * Whether a value is a credential beyond doubt: a known token format, or a URL carrying a password. Narrower
 * than looksSecretValue (no entropy guess), so it can refuse input without refusing ordinary settings.
 */
export function isKnownCredential(value: string): boolean {
  const v = value.trim();
  return (
    SECRET_SHAPES.some((shape) => shape.test(v)) || /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(v)
  );
}

/** Whether a name/value pair should go to the vault. */
export function isSecretPair(name: string, value: string): boolean {
  const v = value.trim();
  if (v === '' || OBVIOUSLY_PLAIN.test(v)) return false;
  return looksSecretName(name) || looksSecretValue(v);
}

/** Long, no spaces, not a path or URL, mixed letters and digits, and high Shannon entropy. */
function looksRandom(v: string): boolean {
  if (v.length < 24 || /[\s/\\]/.test(v) || !/[A-Za-z]/.test(v) || !/[0-9]/.test(v)) return false;
  const counts = new Map<string, number>();
  for (const ch of v) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / v.length;
    entropy -= p * Math.log2(p);
  }
  return entropy >= 3.5;
}
