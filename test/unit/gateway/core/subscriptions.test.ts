import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../main/lib/logger.ts';
import { createSubscriptions } from '../../../../main/gateway/core/subscriptions.ts';

describe('createSubscriptions', () => {
  const setup = () => {
    const calls: string[] = [];
    const subs = createSubscriptions<string>({
      subscribe: async (p, u) => calls.push(`sub ${p} ${u}`),
      unsubscribe: async (p, u) => calls.push(`unsub ${p} ${u}`),
      log: silentLogger,
    });
    return { subs, calls };
  };

  it('subscribes the upstream once and unsubscribes after the last session', async () => {
    const { subs, calls } = setup();
    await subs.add('s1', 'fs', 'file:///a');
    await subs.add('s2', 'fs', 'file:///a');
    expect([...subs.sessionsFor('fs', 'file:///a')]).toEqual(['s1', 's2']);
    await subs.remove('s1', 'fs', 'file:///a');
    await subs.remove('s1', 'fs', 'file:///a');
    expect(calls).toEqual(['sub fs file:///a']);
    await subs.remove('s2', 'fs', 'file:///a');
    expect(calls).toEqual(['sub fs file:///a', 'unsub fs file:///a']);
    expect(subs.sessionsFor('fs', 'file:///a').size).toBe(0);
  });

  it('cleans up after a closed session and resubscribes what is still wanted', async () => {
    const { subs, calls } = setup();
    await subs.add('s1', 'fs', 'a');
    await subs.add('s2', 'fs', 'b');
    subs.dropSession('s1');
    await Promise.resolve();
    subs.resubscribe('fs');
    await Promise.resolve();
    expect(calls).toEqual(['sub fs a', 'sub fs b', 'unsub fs a', 'sub fs b']);
    subs.dropServer('fs');
    expect(subs.sessionsFor('fs', 'b').size).toBe(0);
  });

  it('does not record a subscription the upstream refused', async () => {
    const subs = createSubscriptions<string>({
      subscribe: async () => {
        throw new Error('no');
      },
      unsubscribe: async () => {},
      log: silentLogger,
    });
    await expect(subs.add('s1', 'fs', 'a')).rejects.toThrow('no');
    expect(subs.sessionsFor('fs', 'a').size).toBe(0);
  });
});
