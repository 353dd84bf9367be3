/**
 * A token estimate of what a client receives, without a tokenizer in the hub: JSON characters / 4. On the real
 * catalogs of test/fixtures/tool-catalogs (o200k_base via gpt-tokenizer, in bench/tool-search.ts) tools/list JSON
 * runs 3.5–5.2 characters per token, 4.47 overall, so this over-estimates by about a tenth: a budget in tokens is
 * reached a little early, never late.
 */
export const CHARS_PER_TOKEN = 4;

/** Estimated tokens of `value` serialized as JSON. */
export function estimateTokens(value: unknown): number {
  return Math.ceil((JSON.stringify(value) ?? '').length / CHARS_PER_TOKEN);
}
