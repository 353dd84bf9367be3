import { describe, expect, it } from 'vitest';
import type { PendingEvent, PendingInfo, PendingTable } from '../../../main/oauth/pending-connects.ts';
import { nextPending, REPLACED } from '../../../main/oauth/pending-connects.ts';

const info = (subject: string, prefix = 'notes'): PendingInfo => ({ subject, prefix, serverName: prefix });

function run(events: PendingEvent[], start: PendingTable = new Map()) {
  let table = start;
  const actions = [];
  for (const event of events) {
    const next = nextPending(table, event);
    table = next.table;
    actions.push(...next.actions);
  }
  return { table, actions };
}

describe('pending sign-ins (pure table)', () => {
  it('a callback finishes its sign-in exactly once; a replay or an unknown state finds nothing', () => {
    const { table, actions } = run([
      { kind: 'opened', state: 's1', info: info('server:1') },
      { kind: 'callback', state: 's1' },
      { kind: 'callback', state: 's1' },
      { kind: 'callback', state: null },
    ]);
    expect(table.size).toBe(0);
    expect(actions).toEqual([
      { kind: 'release', state: 's1' },
      { kind: 'finish', state: 's1', info: info('server:1') },
      { kind: 'unknown-callback' },
      { kind: 'unknown-callback' },
    ]);
  });

  it('one sign-in per server identity: a newer one replaces the older, others are untouched', () => {
    const { table, actions } = run([
      { kind: 'opened', state: 'a', info: info('server:1') },
      { kind: 'opened', state: 'b', info: info('server:2') },
      { kind: 'opened', state: 'c', info: info('server:1') },
    ]);
    expect([...table.keys()].sort()).toEqual(['b', 'c']);
    expect(actions).toEqual([{ kind: 'reject', state: 'a', message: REPLACED }]);
  });

  it('cancelling a removed server rejects only its sign-in, even when a new server reuses its prefix', () => {
    const { table, actions } = run([
      { kind: 'opened', state: 'old', info: info('server:1', 'notes') },
      { kind: 'opened', state: 'new', info: info('server:2', 'notes') },
      { kind: 'cancel', subject: 'server:1', message: 'The server was removed.' },
    ]);
    expect([...table.keys()]).toEqual(['new']);
    expect(actions).toEqual([{ kind: 'reject', state: 'old', message: 'The server was removed.' }]);
  });

  it('a timeout rejects with its message; after a callback it is a no-op; begin failure only releases', () => {
    expect(
      run([
        { kind: 'opened', state: 's', info: info('server:1') },
        { kind: 'timed-out', state: 's', message: 'timed out' },
        { kind: 'timed-out', state: 's', message: 'timed out' },
      ]).actions,
    ).toEqual([{ kind: 'reject', state: 's', message: 'timed out' }]);
    expect(
      run([
        { kind: 'opened', state: 's', info: info('server:1') },
        { kind: 'begin-failed', state: 's' },
      ]),
    ).toEqual({ table: new Map(), actions: [{ kind: 'release', state: 's' }] });
  });

  it('shutdown rejects everything', () => {
    const { table, actions } = run([
      { kind: 'opened', state: 'a', info: info('server:1') },
      { kind: 'opened', state: 'b', info: info('draft:draft~x') },
      { kind: 'cancel-all', message: 'bye' },
    ]);
    expect(table.size).toBe(0);
    expect(actions.map((a) => a.kind)).toEqual(['reject', 'reject']);
  });
});
