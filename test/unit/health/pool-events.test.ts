import { describe, expect, it } from 'vitest';
import { upstreamEventFromPool } from '../../../main/health/pool-events.ts';

describe('upstreamEventFromPool', () => {
  it.each([
    ['starting', 'starting'],
    ['ready', 'running'],
    ['stopped', 'stopped'],
    ['backoff', 'crashed'],
    ['failed', 'crashed'],
  ])('maps pool state %s to %s', (state, expected) => {
    expect(upstreamEventFromPool({ prefix: 'p', state })).toEqual({ prefix: 'p', state: expected });
  });

  it('carries the error message of a crash', () => {
    expect(
      upstreamEventFromPool({ prefix: 'p', state: 'backoff', lastError: { message: 'exit code 1' } }),
    ).toEqual({
      prefix: 'p',
      state: 'crashed',
      error: 'exit code 1',
    });
  });

  it.each(['needs_config', 'disabled', 'something-new'])('leaves %s to the registry', (state) => {
    expect(upstreamEventFromPool({ prefix: 'p', state })).toBeUndefined();
  });
});
