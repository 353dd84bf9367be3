import type { StoredServer } from '../../preload/contract/server-definition.ts';
import { resolveDefinition } from '../env/resolve-definition.ts';
import type { ErrorInfo } from '../lib/errors.ts';
import { toErrorInfo } from '../lib/errors.ts';
import { definitionHash, runtimeFingerprint } from './definition-fingerprint.ts';
import { needsConfigError } from './needs-config.ts';
import type { UpstreamEvent } from './upstream-state.ts';
import type { UpstreamState } from './upstream-types.ts';

/**
 * What `sync()` must do to bring the pool in line with the registry, as a pure plan: the entries the pool has,
 * the servers the registry lists, each server's variable values (read beforehand) and which catalogs are
 * current, in; a list of actions and the `servers` event out.
 *
 * - Entries are matched by prefix AND id: a prefix that now names another server (removed, then a new one
 *   added under the same prefix) is a removal plus an addition. Nothing carries over: no process, no
 *   failures, no stderr, no catalog.
 * - Only servers whose runtime fingerprint (definition + values) changed are restarted; a label rename
 *   restarts nothing.
 * - A server whose variables are missing goes to `needs_config` and is never started.
 * - A server we never talked to (no catalog for its current definition) is started in the background so its
 *   tools show up; a keepRunning server is started; everything else starts on its first call.
 */

/** What the planner needs to know about an entry of the pool. */
export interface SyncEntry {
  serverId: number;
  prefix: string;
  /** The server as the entry last saw it. */
  server: StoredServer;
  state: UpstreamState;
  /** Runtime fingerprint at the last sync; undefined when never computed (new, or disabled since). */
  fingerprint: string | undefined;
}

/** A server's variable values, or why they could not be read. */
export type ValuesOutcome =
  { ok: true; values: Record<string, string | undefined> } | { ok: false; error: ErrorInfo };

export interface SyncInput {
  entries: readonly SyncEntry[];
  servers: readonly StoredServer[];
  /** Values of every ENABLED server, by id. */
  values: ReadonlyMap<number, ValuesOutcome>;
  /** The definition hash each server's stored catalog was fetched with, by id (absent: no catalog). */
  catalogs: ReadonlyMap<number, string>;
}

export type SyncAction =
  /** Forget an entry: stop it and drop it (its late results must not land anywhere). */
  | { kind: 'remove'; prefix: string }
  | { kind: 'add'; server: StoredServer }
  /** Keep the entry's view of its server (and fingerprint) up to date. */
  | { kind: 'update'; prefix: string; server: StoredServer; fingerprint: string | undefined }
  /** Feed an event to the entry's state machine. */
  | { kind: 'event'; prefix: string; event: UpstreamEvent }
  /** Its configuration changed while it ran: stop it, then start it again. */
  | { kind: 'restart'; prefix: string }
  | { kind: 'start'; prefix: string; reason: 'discover' | 'keep-running' }
  /** keepRunning changed: re-decide whether the idle timer applies. */
  | { kind: 'rearm-idle'; prefix: string };

export interface SyncPlan {
  actions: SyncAction[];
  /** The `servers` event, or undefined when nothing changed. */
  changes?: { added: string[]; removed: string[]; changed: string[] };
}

const RUNNING: readonly UpstreamState[] = ['ready', 'starting', 'backoff', 'failed'];

/** Plans one sync. */
export function planSync(input: SyncInput): SyncPlan {
  const actions: SyncAction[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  const byPrefix = new Map(input.entries.map((e) => [e.prefix, e]));
  const seen = new Set<string>();

  for (const server of input.servers) {
    const prefix = server.prefix;
    seen.add(prefix);
    let entry = byPrefix.get(prefix);
    if (entry && entry.serverId !== server.id) {
      actions.push({ kind: 'remove', prefix });
      removed.push(prefix);
      entry = undefined;
    }
    const isNew = entry === undefined;
    if (isNew) {
      actions.push({ kind: 'add', server });
      added.push(prefix);
    }
    const previous = entry?.server ?? server;
    let state: UpstreamState = entry?.state ?? (server.enabled ? 'stopped' : 'disabled');
    const oldFingerprint = entry?.fingerprint;
    const wasEnabled = previous.enabled;
    const keepRunningChanged = previous.keepRunning !== server.keepRunning;
    const event = (e: UpstreamEvent) => actions.push({ kind: 'event', prefix, event: e });

    if (!server.enabled) {
      actions.push({ kind: 'update', prefix, server, fingerprint: undefined });
      if (state !== 'disabled') {
        if (!isNew) changed.push(prefix);
        event({ type: 'stop', to: 'disabled' });
      }
      continue;
    }

    const outcome = input.values.get(server.id);
    if (outcome === undefined || !outcome.ok) {
      actions.push({ kind: 'update', prefix, server, fingerprint: oldFingerprint });
      event({
        type: 'values-failed',
        error:
          outcome?.ok === false ? outcome.error : { code: 'INTERNAL', message: `no values for ${prefix}` },
      });
      continue;
    }

    const fingerprint = runtimeFingerprint(server, outcome.values);
    const configChanged = oldFingerprint !== undefined && oldFingerprint !== fingerprint;
    if ((configChanged || !wasEnabled) && !isNew) changed.push(prefix);
    const firstLook = oldFingerprint === undefined;
    actions.push({ kind: 'update', prefix, server, fingerprint });

    const resolution = resolveDefinition(server, outcome.values);
    if (!resolution.ok) {
      event({
        type: 'needs-config',
        missing: resolution.missing,
        error: toErrorInfo(needsConfigError(server, resolution.missing)),
      });
      continue;
    }
    if (state === 'disabled' || state === 'needs_config') {
      event({ type: 'configured' });
      state = 'stopped';
    }
    if (configChanged) {
      event({ type: 'forget-failures' });
      if (RUNNING.includes(state)) {
        actions.push({ kind: 'restart', prefix });
        continue;
      }
    }
    const known = input.catalogs.get(server.id) === definitionHash(server);
    const wantsRunning = server.keepRunning && state === 'stopped';
    const wantsDiscovery = !known && state === 'stopped' && (firstLook || configChanged || !wasEnabled);
    if (wantsRunning || wantsDiscovery)
      actions.push({ kind: 'start', prefix, reason: wantsRunning ? 'keep-running' : 'discover' });
    else if (keepRunningChanged) actions.push({ kind: 'rearm-idle', prefix });
  }

  for (const entry of input.entries) {
    if (seen.has(entry.prefix)) continue;
    actions.push({ kind: 'remove', prefix: entry.prefix });
    removed.push(entry.prefix);
  }

  const anything = added.length > 0 || removed.length > 0 || changed.length > 0;
  return { actions, changes: anything ? { added, removed, changed } : undefined };
}
