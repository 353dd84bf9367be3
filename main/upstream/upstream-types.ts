import type { ErrorInfo } from '../lib/errors.ts';
import type { EraMemory } from '../registry/upstream-catalog-repository.ts';

/** Lifecycle of one upstream in the pool. */
export type UpstreamState =
  /** Not running; starts on first use. */
  | 'stopped'
  | 'starting'
  | 'ready'
  /** Failed or crashed; waiting before the next attempt. */
  | 'backoff'
  /** Required variables are missing; never started until they are filled. */
  | 'needs_config'
  /** Gave up after repeated failures; a call or an explicit restart tries again. */
  | 'failed'
  | 'disabled';

/** What the pool tells the gateway core, the health monitor and the UI about one upstream. */
export interface UpstreamStatus {
  prefix: string;
  /** Registry id of the server (a new server under a reused prefix has a new id). */
  serverId: number;
  state: UpstreamState;
  /** Epoch ms of the last state change. */
  since: number;
  lastError?: ErrorInfo;
  /** Names of missing variables when state is needs_config. */
  missing?: string[];
  /** Pid of the process-group leader of a running stdio upstream. */
  pid?: number;
  era?: EraMemory;
  /** Failures counted by the restart policy. */
  failures: number;
  /** Epoch ms of the next restart attempt while in backoff. */
  nextRetryAt?: number;
  /** Calls currently running through this upstream. */
  inFlight: number;
}

/** The kinds of list an upstream can announce as changed. */
export interface ListChanges {
  tools: boolean;
  prompts: boolean;
  resources: boolean;
}

/** Server→client requests an upstream may send while one of our calls runs. */
export type ServerRequestMethod = 'sampling/createMessage' | 'elicitation/create' | 'roots/list';

/** The downstream side of an in-flight call: who to ask when the upstream asks something back. */
export interface UpstreamCaller {
  /** Identity of the downstream session (calls of one session share it). */
  sessionKey: string;
  /** What the downstream client declared it can answer. */
  capabilities: { sampling: boolean; elicitation: boolean; roots: boolean };
  /** Forwards a server→client request to the downstream client; rejects with a JSON-RPC error to relay. */
  request(
    method: ServerRequestMethod,
    params: Record<string, unknown> | undefined,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>>;
  /** Forwards a log message the upstream sent while this call ran. */
  log?(params: Record<string, unknown>): void;
}

/** Events the pool emits. */
export interface UpstreamPoolEvents {
  /** A server's status changed. */
  state: (status: UpstreamStatus) => void;
  /** A server's cached catalog changed (after connect or list_changed). */
  catalog: (event: { prefix: string; changes: ListChanges }) => void;
  /**
   * A server's catalog was fetched and stored, changed or not (after every connect, reconnect and
   * list_changed): lets health and tests see that a reconnect really re-read the lists.
   */
  catalogFetched: (event: { prefix: string; serverId: number; changes: ListChanges }) => void;
  /** The set of servers, or their enabled flags, changed (after sync). */
  servers: (event: { added: string[]; removed: string[]; changed: string[] }) => void;
  /** An upstream announced that a resource changed. */
  resourceUpdated: (event: { prefix: string; uri: string }) => void;
}
