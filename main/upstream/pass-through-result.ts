import type { StandardSchemaV1 } from '@modelcontextprotocol/client';

/**
 * The result schema the hub gives the SDK client for an upstream's `tools/call`: any JSON object passes, as it is.
 *
 * Why: the client otherwise parses every tool result with the protocol's zod schema (~3% of serve's CPU), and the
 * result is parsed again where it leaves the hub — the gateway's SDK server validates what it answers its own
 * client — so the upstream's answer was validated twice on the way through. The era's decoding (an
 * `input_required` result, the modern wire's envelope) still runs in the client before this; only the second
 * schema check of the same object goes.
 */
export const PASS_THROUGH_RESULT: StandardSchemaV1<unknown, Record<string, unknown>> = {
  '~standard': {
    version: 1,
    vendor: 'switchboard',
    validate: (value) =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? { value: value as Record<string, unknown> }
        : { issues: [{ message: 'the result is not a JSON object' }] },
  },
};

/** Methods whose results are passed through unparsed (the hot one); every other result is checked here. */
export const PASSED_THROUGH: ReadonlySet<string> = new Set(['tools/call']);
