import { SwitchboardError } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { OpenBrowser } from './browser-opener.ts';
import { assertOpenableUrl } from './browser-opener.ts';
import type { CallbackResponse } from './callback-page.ts';
import { callbackPage } from './callback-page.ts';
import { toFlowError } from './flow-errors.ts';
import type { GrantRecord } from './grant-record.ts';
import type { InteractiveFlow } from './interactive-flow.ts';
import { createInteractiveFlow } from './interactive-flow.ts';
import type { FetchLike } from './oauth-http.ts';
import type { OAuthSubject } from './oauth-subjects.ts';
import type { PendingAction, PendingEvent, PendingTable } from './pending-connects.ts';
import { nextPending, REPLACED } from './pending-connects.ts';
import { probeChallenge } from './probe-challenge.ts';

/**
 * The interactive (browser) sign-ins: starts each flow, and finishes it when GET /oauth/callback brings its
 * `state` back. Which sign-in waits, and what ends it, is decided by the pure table in pending-connects.ts;
 * this runner holds what cannot be data — the flows, their timers and the promises of the waiting Connects.
 */
/** What the starter of a sign-in learns and decides (the window, the CLI through the admin route). */
export interface SignInOptions {
  /**
   * Receives the authorization URL once the sign-in waits for it, for the person to open: the starter shows
   * it (never logs it). `opened` says whether the system browser was asked to open it.
   */
  onAuthorizationUrl?(info: { url: URL; expiresAt: number; opened: boolean }): void;
  /** Ask the system browser to open the page (default true). The web window shows the link instead. */
  open?: boolean;
}

/** Why a waiting sign-in ended without a grant (in the error's `details.reason`). */
export type SignInEnd = 'timeout' | 'cancelled' | 'replaced' | 'shutdown';

export interface ConnectFlows {
  /** Signs `subject` in through the browser; resolves with the stored grant once the callback completed. */
  connect(
    subject: OAuthSubject,
    scope: (challengeScope: string | undefined) => string | undefined,
    options?: SignInOptions,
  ): Promise<GrantRecord>;
  /** Finishes the matching pending sign-in and returns the page for the browser. */
  handleCallback(url: URL): Promise<CallbackResponse>;
  /** Rejects the pending sign-in of a subject (disconnect, removal, expired draft, the person's Cancel). */
  cancel(subjectKey: string, message: string): boolean;
  /** Rejects every pending sign-in (shutdown). */
  cancelAll(message: string): void;
}

export interface ConnectFlowsDeps {
  fetch: FetchLike;
  clock: Clock;
  log: Logger;
  openBrowser: OpenBrowser;
  redirectUri(): string;
  timeoutMs: number;
  clientMetadataUrl?: string;
  clientName: string;
  remember(value: string | undefined): void;
}

interface Live {
  flow: InteractiveFlow;
  timer: ReturnType<typeof setTimeout> | undefined;
  resolve(record: GrantRecord): void;
  reject(error: unknown): void;
}

/** Creates the runner with an empty table. */
export function createConnectFlows(deps: ConnectFlowsDeps): ConnectFlows {
  const { log } = deps;
  let table: PendingTable = new Map();
  const live = new Map<string, Live>();

  /** Applies one event: the reducer decides, this only performs. Returns the actions for the caller's own. */
  const dispatch = (event: PendingEvent): PendingAction[] => {
    const next = nextPending(table, event);
    table = next.table;
    const reason: SignInEnd =
      event.kind === 'timed-out'
        ? 'timeout'
        : event.kind === 'cancel-all'
          ? 'shutdown'
          : event.kind === 'opened' || (event.kind === 'cancel' && event.message === REPLACED)
            ? 'replaced'
            : 'cancelled';
    for (const action of next.actions) {
      const entry = action.kind === 'unknown-callback' ? undefined : live.get(action.state);
      if (action.kind === 'release' || action.kind === 'reject') clearTimeout(entry?.timer);
      if (action.kind === 'reject') {
        live.delete(action.state);
        entry?.reject(new SwitchboardError('OAUTH_ERROR', action.message, { details: { reason } }));
      }
    }
    return next.actions;
  };

  return {
    async connect(subject, scopeFor, options = {}) {
      dispatch({ kind: 'cancel', subject: subject.key, message: REPLACED });
      const { definition, prefix } = subject;
      const auth =
        definition.auth?.kind === 'oauth' && definition.auth.flow === 'authorization_code'
          ? definition.auth
          : undefined;
      const challenge = await probeChallenge(definition.url, deps.fetch);
      const scope = scopeFor(challenge.scope);

      let settle!: Pick<Live, 'resolve' | 'reject'>;
      const completion = new Promise<GrantRecord>((resolve, reject) => {
        settle = { resolve, reject };
      });
      completion.catch(() => {}); // observed below; this only keeps an early failure from being "unhandled"

      const secret = auth?.clientId ? subject.readSecret() : undefined;
      const flow = createInteractiveFlow({
        prefix,
        serverUrl: definition.url,
        redirectUri: deps.redirectUri(),
        preRegistered: auth?.clientId
          ? { clientId: auth.clientId, clientSecret: secret || undefined }
          : undefined,
        resourceOverride: auth?.resource || undefined,
        clientMetadataUrl: deps.clientMetadataUrl || undefined,
        clientName: deps.clientName,
        store: subject.store,
        clock: deps.clock,
        fetch: deps.fetch,
        onSecret: deps.remember,
        onAuthorizationUrl: async (url) => {
          assertOpenableUrl(url);
          const entry: Live = { flow, timer: undefined, ...settle };
          live.set(flow.state, entry);
          dispatch({
            kind: 'opened',
            state: flow.state,
            info: { subject: subject.key, prefix, serverName: definition.name },
          });
          entry.timer = setTimeout(() => {
            const seconds = Math.round(deps.timeoutMs / 1000);
            dispatch({
              kind: 'timed-out',
              state: flow.state,
              message: `Sign-in to "${prefix}" timed out: the browser did not come back within ${seconds} s.`,
            });
          }, deps.timeoutMs);
          entry.timer.unref?.();
          const expiresAt = deps.clock.now() + deps.timeoutMs;
          // The log names the authorization server only: the address is for the person (issue 12.10).
          log.info('sign-in waits for the browser', { prefix, authorizationServer: url.origin });
          let opened = false;
          if (options.open !== false) {
            try {
              await deps.openBrowser(url, { shownElsewhere: options.onAuthorizationUrl !== undefined });
              opened = true;
            } catch (error) {
              // Someone shows the address: a browser that would not open is no reason to stop.
              if (options.onAuthorizationUrl === undefined) throw error;
              // Not the error itself: an opener's message may quote the address.
              const kind = error instanceof Error ? error.name : typeof error;
              log.warn('could not open the browser for a sign-in; the address is shown instead', {
                prefix,
                kind,
              });
            }
          }
          options.onAuthorizationUrl?.({ url, expiresAt, opened });
        },
      });
      try {
        await flow.begin({
          scope: scope || undefined,
          resourceMetadataUrl: challenge.resourceMetadataUrl,
        });
      } catch (error) {
        dispatch({ kind: 'begin-failed', state: flow.state });
        live.delete(flow.state);
        throw toFlowError(prefix, error);
      }
      return completion;
    },

    async handleCallback(url) {
      const actions = dispatch({ kind: 'callback', state: url.searchParams.get('state') });
      const finish = actions.find((a) => a.kind === 'finish');
      const entry = finish ? live.get(finish.state) : undefined;
      if (!finish || !entry) {
        return callbackPage({
          ok: false,
          message: 'This sign-in link is unknown, was already used, or has expired.',
        });
      }
      live.delete(finish.state);
      try {
        const record = await entry.flow.complete(url.searchParams);
        entry.resolve(record);
        return callbackPage({ ok: true, serverName: finish.info.serverName });
      } catch (error) {
        const failure = toFlowError(finish.info.prefix, error);
        entry.reject(failure);
        log.warn('OAuth sign-in failed', {
          prefix: finish.info.prefix,
          code: failure.code,
          error: failure.message,
        });
        return callbackPage({ ok: false, message: failure.message });
      }
    },

    cancel(subjectKey, message) {
      return dispatch({ kind: 'cancel', subject: subjectKey, message }).some((a) => a.kind === 'reject');
    },

    cancelAll(message) {
      dispatch({ kind: 'cancel-all', message });
    },
  };
}
