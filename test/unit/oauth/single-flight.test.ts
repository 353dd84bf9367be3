import { describe, expect, it } from 'vitest';
import { createSingleFlight } from '../../../main/oauth/single-flight.ts';

describe('createSingleFlight', () => {
  it('shares one run among concurrent callers of a key and starts afresh afterwards', async () => {
    const flight = createSingleFlight<number>();
    let runs = 0;
    let release!: (n: number) => void;
    const task = () => {
      runs += 1;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const waiting = Array.from({ length: 10 }, () => flight.run('a', task));
    expect(flight.inFlight('a')).toBe(true);
    release(7);
    expect(await Promise.all(waiting)).toEqual(Array(10).fill(7));
    expect(runs).toBe(1);
    expect(flight.inFlight('a')).toBe(false);
    await flight.run('a', async () => (runs += 1));
    expect(runs).toBe(2);
  });

  it('shares a failure too, and does not keep it', async () => {
    const flight = createSingleFlight<number>();
    const failing = () => Promise.reject(new Error('boom'));
    await expect(Promise.all([flight.run('k', failing), flight.run('k', failing)])).rejects.toThrow('boom');
    expect(await flight.run('k', async () => 1)).toBe(1);
  });

  it('keeps keys independent', async () => {
    const flight = createSingleFlight<string>();
    expect(await Promise.all([flight.run('a', async () => 'a'), flight.run('b', async () => 'b')])).toEqual([
      'a',
      'b',
    ]);
  });
});
