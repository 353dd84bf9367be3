/**
 * The sign-ins waiting for their browser callback, as a pure reducer: `nextPending(table, event)` returns
 * the new table and the actions to perform; the runner (connect-flows.ts) owns the timers, the flows and
 * the promises, and does only what the actions say. Rules:
 * - one pending sign-in per subject (server id or draft): a newer Connect replaces the older one;
 * - a callback is used once: its state leaves the table before the code is redeemed, so a replayed or
 *   late callback URL finds nothing;
 * - a timeout, a cancel (disconnect, removal, draft expiry) or shutdown rejects the waiting Connect.
 */

/** What is known about one waiting sign-in (no secret: the PKCE verifier stays in its flow). */
export interface PendingInfo {
  /** The subject key (`server:<id>` / `draft:<prefix>`). */
  subject: string;
  prefix: string;
  serverName: string;
}

/** Waiting sign-ins by their OAuth `state` parameter. */
export type PendingTable = ReadonlyMap<string, PendingInfo>;

export type PendingEvent =
  /** The authorization URL is about to be opened: the sign-in now waits for its callback. */
  | { kind: 'opened'; state: string; info: PendingInfo }
  /** GET /oauth/callback arrived with this `state` (null: none). */
  | { kind: 'callback'; state: string | null }
  | { kind: 'timed-out'; state: string; message: string }
  /** Starting the sign-in failed after (or before) the URL was opened. */
  | { kind: 'begin-failed'; state: string }
  | { kind: 'cancel'; subject: string; message: string }
  | { kind: 'cancel-all'; message: string };

export type PendingAction =
  /** Redeem the callback's code in this flow, then settle its Connect with the outcome. */
  | { kind: 'finish'; state: string; info: PendingInfo }
  /** Answer the browser that this link is unknown, used or expired. */
  | { kind: 'unknown-callback' }
  /** Stop the timer and reject the waiting Connect with `message`. */
  | { kind: 'reject'; state: string; message: string }
  /** Stop the timer only (the Connect is settled elsewhere, or finishing). */
  | { kind: 'release'; state: string };

/** Why a Connect ended when another one for the same server started. */
export const REPLACED = 'A newer Connect replaced this one.';

/** The one transition function of the pending table. */
export function nextPending(
  table: PendingTable,
  event: PendingEvent,
): { table: PendingTable; actions: PendingAction[] } {
  switch (event.kind) {
    case 'opened': {
      // Two Connects started at once both got past their start: the later one to open wins.
      const older = [...table].filter(([, info]) => info.subject === event.info.subject).map(([s]) => s);
      const next = new Map(without(table, older));
      next.set(event.state, event.info);
      return {
        table: next,
        actions: older.map((state) => ({ kind: 'reject', state, message: REPLACED })),
      };
    }
    case 'callback': {
      const info = event.state === null ? undefined : table.get(event.state);
      if (event.state === null || !info) return { table, actions: [{ kind: 'unknown-callback' }] };
      return {
        table: without(table, [event.state]),
        actions: [
          { kind: 'release', state: event.state },
          { kind: 'finish', state: event.state, info },
        ],
      };
    }
    case 'timed-out':
    case 'begin-failed': {
      if (!table.has(event.state)) return { table, actions: [] };
      const actions: PendingAction[] =
        event.kind === 'timed-out'
          ? [{ kind: 'reject', state: event.state, message: event.message }]
          : [{ kind: 'release', state: event.state }];
      return { table: without(table, [event.state]), actions };
    }
    case 'cancel':
    case 'cancel-all': {
      const states = [...table]
        .filter(([, info]) => event.kind === 'cancel-all' || info.subject === event.subject)
        .map(([state]) => state);
      return {
        table: without(table, states),
        actions: states.map((state) => ({ kind: 'reject', state, message: event.message })),
      };
    }
  }
}

function without(table: PendingTable, states: string[]): PendingTable {
  if (states.length === 0) return table;
  const next = new Map(table);
  for (const state of states) next.delete(state);
  return next;
}
