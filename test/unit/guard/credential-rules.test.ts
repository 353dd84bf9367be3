import { describe, expect, it } from 'vitest';
import { createCredentialRules } from '../../../main/guard/credential-rules.ts';

/**
 * The guard's credential formats: secretlint's recommended preset through its rule API, plus the curated
 * rules. Fake tokens are assembled at run time, so no token-shaped literal sits in the repository.
 */

const rules = createCredentialRules();
const kinds = (text: string) => [...new Set(rules.find(text).map((h) => h.kind))].sort();
const spanned = (text: string) => rules.find(text).map((h) => text.slice(h.start, h.end));

const letters = (n: number, seed = 7) =>
  Array.from({ length: n }, (_, i) => 'AbCdEfGhJkLmNpQrStUvWxYz23456789'[(i * seed + 3) % 32]).join('');
const upper = (n: number) =>
  Array.from({ length: n }, (_, i) => 'QWERTYUPASDFGHJKLZXCVBNM2345679'[(i * 5 + 1) % 30]).join('');

const FAKE = {
  aws: `AKIA${upper(16)}`,
  github: `ghp_${letters(36)}`,
  gitlab: `glpat-${letters(20)}`,
  slack: `xoxb-${'1234567890'}-${'1234567890123'}-${letters(24)}`,
  stripe: `sk_live_${letters(24)}`,
  openai: `sk-proj-${letters(58)}T3BlbkFJ${letters(58, 11)}`,
  anthropic: `sk-ant-api03-${letters(93)}AA`,
  jwt: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${letters(43)}`,
  google: `AIza${letters(35)}`,
};

describe('credential formats', () => {
  it('come from secretlint’s recommended preset, without its comment-directive filter', () => {
    expect(rules.names).toContain('@secretlint/secretlint-rule-aws');
    expect(rules.names).toContain('@secretlint/secretlint-rule-github');
    expect(rules.names).toContain('@secretlint/secretlint-rule-privatekey');
    expect(rules.names).not.toContain('@secretlint/secretlint-rule-filter-comments');
    expect(rules.names).toEqual(expect.arrayContaining(['switchboard:jwt', 'switchboard:google-api-key']));
  });

  it.each([
    ['aws-access-key', FAKE.aws],
    ['github-token', FAKE.github],
    ['gitlab-token', FAKE.gitlab],
    ['slack-token', FAKE.slack],
    ['stripe-key', FAKE.stripe],
    ['openai-key', FAKE.openai],
    ['anthropic-key', FAKE.anthropic],
    ['jwt', FAKE.jwt],
    ['google-api-key', FAKE.google],
  ])('finds a %s in running text, exactly where it is', (kind, token) => {
    const text = `Here you go: ${token} — keep it safe.`;
    expect(kinds(text)).toEqual([kind]);
    expect(spanned(text)).toContain(token);
  });

  it('finds a private key, also inside a JSON string with escaped newlines', () => {
    const body = `MII${letters(200)}`.match(/.{1,64}/g)!.join('\n');
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`;
    expect(kinds(`key:\n${pem}\n`)).toEqual(['private-key']);
    expect(kinds(JSON.stringify({ private_key: pem }))).toContain('private-key');
  });

  it('covers the whole AWS secret key of an assignment (the rule reports a shifted range)', () => {
    const secret = letters(40);
    const text = `aws_secret_access_key = "${secret}"`;
    const spans = rules.find(text);
    const covered = (i: number) => spans.some((s) => s.start <= i && i < s.end);
    const at = text.indexOf(secret);
    expect([...secret].every((_, i) => covered(at + i))).toBe(true);
  });

  it('does not flag ordinary text, account numbers or the documentation example key', () => {
    expect(rules.find('The build took 42 seconds; see https://example.com/docs?page=2 for more.')).toEqual(
      [],
    );
    expect(rules.find('aws_account_id = 1234-5678-9012')).toEqual([]);
    expect(rules.find('AKIAIOSFODNN7EXAMPLE')).toEqual([]);
  });

  it('cannot be switched off by a comment directive in the text', () => {
    expect(kinds(`// secretlint-disable\n${FAKE.github}\n// secretlint-enable`)).toEqual(['github-token']);
  });
});
