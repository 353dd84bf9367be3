import { describe, expect, it } from 'vitest';
import { PASS_THROUGH_RESULT, PASSED_THROUGH } from '../../../main/upstream/pass-through-result.ts';

describe('the pass-through result schema of tools/call', () => {
  const validate = (value: unknown) => PASS_THROUGH_RESULT['~standard'].validate(value);

  it('passes any JSON object as it is (the same object, unknown fields kept)', () => {
    const result = {
      content: [{ type: 'text', text: 'hi' }],
      structuredContent: { n: 1 },
      _meta: { x: 1 },
      extra: 1,
    };
    expect(validate(result)).toEqual({ value: result });
    expect((validate(result) as { value: unknown }).value).toBe(result);
  });

  it('refuses what is not an object, with a message', () => {
    for (const value of [null, 'text', 42, [1, 2], undefined])
      expect(validate(value)).toEqual({ issues: [{ message: 'the result is not a JSON object' }] });
  });

  it('is used for tools/call only: list results are still checked (the catalog is built from them)', () => {
    expect([...PASSED_THROUGH]).toEqual(['tools/call']);
  });
});
