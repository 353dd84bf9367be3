import { describe, expect, it } from 'vitest';
import type { StoredServer } from '../../../preload/contract/server-definition.ts';
import { definitionHash, runtimeFingerprint } from '../../../main/upstream/definition-fingerprint.ts';
import type { SyncEntry, SyncInput, ValuesOutcome } from '../../../main/upstream/sync-plan.ts';
import { planSync } from '../../../main/upstream/sync-plan.ts';
import type { UpstreamState } from '../../../main/upstream/upstream-types.ts';

const server = (prefix: string, id: number, over: Partial<StoredServer> = {}): StoredServer =>
  ({
    id,
    prefix,
    name: prefix,
    enabled: true,
    keepRunning: false,
    transport: 'stdio',
    command: 'node',
    args: ['server.js'],
    env: {},
    envVars: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  }) as StoredServer;

const ok = (values: Record<string, string> = {}): ValuesOutcome => ({ ok: true, values });

const entry = (s: StoredServer, state: UpstreamState, values: Record<string, string> = {}): SyncEntry => ({
  serverId: s.id,
  prefix: s.prefix,
  server: s,
  state,
  fingerprint: runtimeFingerprint(s, values),
});

const plan = (input: Partial<SyncInput> & { servers: StoredServer[] }) =>
  planSync({
    entries: [],
    values: new Map(input.servers.filter((s) => s.enabled).map((s) => [s.id, ok()])),
    catalogs: new Map(),
    ...input,
  });

/** The plan's actions, short: `kind prefix[ detail]`, without the bookkeeping `update`s. */
const brief = (p: ReturnType<typeof planSync>) =>
  p.actions
    .filter((a) => a.kind !== 'update')
    .map((a) => {
      if (a.kind === 'add') return `add ${a.server.prefix}#${a.server.id}`;
      if (a.kind === 'event')
        return `event ${a.prefix} ${a.event.type}${a.event.type === 'stop' ? `:${a.event.to}` : ''}`;
      if (a.kind === 'start') return `start ${a.prefix} ${a.reason}`;
      return `${a.kind} ${a.prefix}`;
    });

describe('planSync', () => {
  const a = server('a', 1);
  const known = new Map([[1, definitionHash(a)]]);

  it.each<[string, Partial<SyncInput> & { servers: StoredServer[] }, string[], SyncInputChanges]>([
    [
      'a new server never seen is discovered in the background',
      { servers: [a] },
      ['add a#1', 'start a discover'],
      { added: ['a'], removed: [], changed: [] },
    ],
    [
      'a new server whose catalog is current waits for its first call',
      { servers: [a], catalogs: known },
      ['add a#1'],
      { added: ['a'], removed: [], changed: [] },
    ],
    [
      'a keepRunning server is started',
      { servers: [server('a', 1, { keepRunning: true })], catalogs: known },
      ['add a#1', 'start a keep-running'],
      { added: ['a'], removed: [], changed: [] },
    ],
    [
      'a disabled new server is only added',
      { servers: [server('a', 1, { enabled: false })] },
      ['add a#1'],
      { added: ['a'], removed: [], changed: [] },
    ],
    [
      'nothing changed: nothing to do',
      { servers: [a], entries: [entry(a, 'ready')], catalogs: known },
      [],
      undefined,
    ],
    [
      'a label rename restarts nothing',
      { servers: [server('a', 1, { name: 'Renamed' })], entries: [entry(a, 'ready')], catalogs: known },
      [],
      undefined,
    ],
    [
      'a changed command restarts a running server',
      { servers: [server('a', 1, { args: ['other.js'] })], entries: [entry(a, 'ready')], catalogs: known },
      ['event a forget-failures', 'restart a'],
      { added: [], removed: [], changed: ['a'] },
    ],
    [
      'a changed command of a stopped server discovers it again',
      { servers: [server('a', 1, { args: ['other.js'] })], entries: [entry(a, 'stopped')], catalogs: known },
      ['event a forget-failures', 'start a discover'],
      { added: [], removed: [], changed: ['a'] },
    ],
    [
      'switching a server off stops it',
      { servers: [server('a', 1, { enabled: false })], entries: [entry(a, 'ready')] },
      ['event a stop:disabled'],
      { added: [], removed: [], changed: ['a'] },
    ],
    [
      'switching it on again',
      {
        servers: [a],
        entries: [{ ...entry(server('a', 1, { enabled: false }), 'disabled'), fingerprint: undefined }],
        catalogs: known,
      },
      ['event a configured'],
      { added: [], removed: [], changed: ['a'] },
    ],
    [
      'a removed server is removed',
      { servers: [], entries: [entry(a, 'ready')] },
      ['remove a'],
      { added: [], removed: ['a'], changed: [] },
    ],
    [
      'a prefix that now names another id is remove + add',
      { servers: [server('a', 2)], entries: [entry(a, 'backoff')] },
      ['remove a', 'add a#2', 'start a discover'],
      { added: ['a'], removed: ['a'], changed: [] },
    ],
    [
      'keepRunning switched off re-arms the idle timer',
      { servers: [a], entries: [entry(server('a', 1, { keepRunning: true }), 'ready')], catalogs: known },
      ['rearm-idle a'],
      undefined,
    ],
  ])('%s', (_name, input, expected, changes) => {
    const result = plan(input);
    expect(brief(result)).toEqual(expected);
    expect(result.changes).toEqual(changes);
  });

  it('missing variables: needs_config with their names, never started', () => {
    const gh = server('gh', 5, {
      envVars: [{ name: 'TOKEN', secret: true, required: true }],
    } as Partial<StoredServer>);
    const result = plan({ servers: [gh] });
    expect(brief(result)).toEqual(['add gh#5', 'event gh needs-config']);
    const event = result.actions.find((x) => x.kind === 'event');
    expect(event?.kind === 'event' && event.event).toMatchObject({
      type: 'needs-config',
      missing: ['TOKEN'],
    });
  });

  it('filling a variable in leaves needs_config and restarts nothing else', () => {
    const gh = server('gh', 5, {
      envVars: [{ name: 'TOKEN', secret: true, required: true }],
    } as Partial<StoredServer>);
    const before = entry(gh, 'needs_config');
    const result = plan({ servers: [gh], entries: [before], values: new Map([[5, ok({ TOKEN: 't' })]]) });
    expect(brief(result)).toEqual(['event gh configured', 'event gh forget-failures', 'start gh discover']);
    expect(result.changes).toEqual({ added: [], removed: [], changed: ['gh'] });
  });

  it('values that cannot be read mark the server failed, nothing else', () => {
    const result = plan({
      servers: [a],
      entries: [entry(a, 'stopped')],
      values: new Map([[1, { ok: false, error: { code: 'VAULT_UNAVAILABLE', message: 'locked' } }]]),
    });
    expect(brief(result)).toEqual(['event a values-failed']);
  });

  it('removals of replaced ids come before the additions, and updates carry the new fingerprint', () => {
    const result = plan({ servers: [server('a', 2), server('b', 3)], entries: [entry(a, 'ready')] });
    expect(result.actions[0]).toEqual({ kind: 'remove', prefix: 'a' });
    const update = result.actions.find((x) => x.kind === 'update' && x.prefix === 'b');
    expect(update?.kind === 'update' && update.fingerprint).toBe(runtimeFingerprint(server('b', 3), {}));
  });
});

type SyncInputChanges = ReturnType<typeof planSync>['changes'];
