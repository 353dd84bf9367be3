import { describe, expect, it } from 'vitest';
import { followAbort } from '../../../main/lib/abort.ts';

describe('followAbort', () => {
  it('aborts the target with the source’s reason, once linked', () => {
    const source = new AbortController();
    const target = new AbortController();
    followAbort(source.signal, target);
    expect(target.signal.aborted).toBe(false);
    source.abort(new Error('the client went away'));
    expect(target.signal.aborted).toBe(true);
    expect((target.signal.reason as Error).message).toBe('the client went away');
  });

  it('aborts at once when the source already has', () => {
    const target = new AbortController();
    followAbort(AbortSignal.abort('gone'), target);
    expect(target.signal.reason).toBe('gone');
  });

  it('lets the target go after unlinking, and leaves the source alone when the target aborts', () => {
    const source = new AbortController();
    const target = new AbortController();
    const unlink = followAbort(source.signal, target);
    target.abort('lost');
    expect(source.signal.aborted).toBe(false);
    const next = new AbortController();
    followAbort(source.signal, next)();
    unlink();
    source.abort('late');
    expect(target.signal.reason).toBe('lost');
    expect(next.signal.aborted).toBe(false);
  });

  it('does nothing without a source', () => {
    const target = new AbortController();
    followAbort(undefined, target)();
    expect(target.signal.aborted).toBe(false);
  });
});
