import { SwitchboardError } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { grantMisfit } from './grant-fit.ts';
import type { GrantRecord } from './grant-record.ts';
import type { FetchLike } from './oauth-http.ts';
import type { OAuthSubject } from './oauth-subjects.ts';
import { createSingleFlight } from './single-flight.ts';
import { refreshGrant } from './token-endpoint-client.ts';

/**
 * The person's authorization-code grant as an upstream transport uses it: which token to send, when to
 * refresh, what a 401 means. The decisions are pure (`planToken`, `planUnauthorized`); `createCodeTokens`
 * performs them, with exactly one refresh in flight per server identity.
 */

/** What to do before a request. */
export type TokenPlan =
  | { kind: 'none' }
  | { kind: 'use'; token: string }
  | { kind: 'refresh'; stale: string }
  | { kind: 'expired' };

/** The plan for a grant that already passed the fit check (undefined: no usable grant). */
export function planToken(record: GrantRecord | undefined, now: number, skewMs: number): TokenPlan {
  const tokens = record?.tokens;
  if (!record || !tokens) return { kind: 'none' };
  if (record.expiresAt === undefined || record.expiresAt - now > skewMs)
    return { kind: 'use', token: tokens.access_token };
  if (tokens.refresh_token) return { kind: 'refresh', stale: tokens.access_token };
  // Inside the refresh window but nothing to refresh with: use it while it lasts.
  if (record.expiresAt > now) return { kind: 'use', token: tokens.access_token };
  return { kind: 'expired' };
}

/** What to do after the upstream answered 401. */
export type UnauthorizedPlan =
  | { kind: 'needs-auth' }
  /** Requests in flight with the old token come back 401 right after a refresh: just retry them. */
  | { kind: 'retry' }
  /** Refused and nothing to refresh with: the grant is dead. */
  | { kind: 'clear' }
  | { kind: 'refresh'; stale: string };

/** The plan after a 401 (record: the usable grant, or undefined). */
export function planUnauthorized(
  record: GrantRecord | undefined,
  now: number,
  reuseWindowMs: number,
): UnauthorizedPlan {
  const tokens = record?.tokens;
  if (!record || !tokens) return { kind: 'needs-auth' };
  if (record.refreshedAt !== undefined && now - record.refreshedAt < reuseWindowMs) return { kind: 'retry' };
  if (!tokens.refresh_token) return { kind: 'clear' };
  return { kind: 'refresh', stale: tokens.access_token };
}

/** A NEEDS_AUTH error that says what to do; names the server, never a token. */
export function needsAuth(prefix: string, why: string): SwitchboardError {
  return new SwitchboardError(
    'NEEDS_AUTH',
    `${why} Connect "${prefix}" again in Switchboard (or run \`switchboard auth connect ${prefix}\`).`,
    { details: { prefix } },
  );
}

export interface CodeTokens {
  /**
   * The subject's grant if it may be used for its CURRENT definition (and, when given, for `targetUrl`, the
   * URL the caller will send it to); undefined otherwise: a grant for another resource is never sent.
   */
  usable(subject: OAuthSubject, targetUrl?: string): GrantRecord | undefined;
  /** The access token to send now (refreshing first when due), or undefined for none. */
  token(subject: OAuthSubject, targetUrl?: string): Promise<string | undefined>;
  /** After a 401: retry, refresh, or NEEDS_AUTH. */
  onUnauthorized(subject: OAuthSubject, targetUrl?: string): Promise<void>;
}

export interface CodeTokensDeps {
  fetch: FetchLike;
  clock: Clock;
  log: Logger;
  skewMs: number;
  reuseWindowMs: number;
  remember(value: string | undefined): void;
  /** Status of `prefix` changed (a grant was cleared). */
  changed(prefix: string): void;
}

/** Creates the runner. */
export function createCodeTokens(deps: CodeTokensDeps): CodeTokens {
  const { log } = deps;
  const refreshes = createSingleFlight<GrantRecord>();

  const usable = (subject: OAuthSubject, targetUrl?: string): GrantRecord | undefined => {
    const record = subject.store.read();
    if (!record) return undefined;
    const target = targetUrl === undefined ? undefined : { url: targetUrl, auth: subject.definition.auth };
    const misfit =
      grantMisfit(record, subject.definition) ??
      (target === undefined ? undefined : grantMisfit(record, target));
    if (misfit === undefined) return record;
    log.debug('not using a stored grant: it was obtained for another server configuration', {
      prefix: subject.prefix,
      why: misfit,
    });
    return undefined;
  };

  /**
   * Exactly one refresh per server identity at a time. Runs only if the stored access token is still
   * `stale` (a caller that waited behind another refresh gets that result), and persists the rotated refresh
   * token BEFORE anyone uses the new access token: a crash right after still leaves a usable grant on disk.
   */
  const refreshOnce = (subject: OAuthSubject, stale: string, targetUrl?: string): Promise<GrantRecord> =>
    refreshes.run(subject.key, async () => {
      const { prefix, store } = subject;
      const current = usable(subject, targetUrl);
      if (!current?.tokens) throw needsAuth(prefix, `"${prefix}" is not signed in.`);
      if (current.tokens.access_token !== stale) return current;
      const outcome = await refreshGrant({
        prefix,
        record: current,
        secret: current.client.source === 'pre-registered' ? subject.readSecret() : undefined,
        fetch: deps.fetch,
        now: deps.clock.now(),
      });
      if (outcome.kind === 'invalid_grant') {
        store.clearTokens();
        log.info('the authorization server no longer accepts the refresh token; sign-in needed', { prefix });
        deps.changed(prefix);
        throw needsAuth(prefix, `The sign-in of "${prefix}" has expired or was revoked.`);
      }
      outcome.newTokens.forEach(deps.remember);
      store.write(outcome.record);
      log.debug('refreshed an OAuth grant', { prefix });
      return outcome.record;
    });

  return {
    usable,
    async token(subject, targetUrl) {
      const record = usable(subject, targetUrl);
      deps.remember(record?.tokens?.access_token);
      const plan = planToken(record, deps.clock.now(), deps.skewMs);
      switch (plan.kind) {
        case 'none':
          return undefined;
        case 'use':
          return plan.token;
        case 'refresh':
          return (await refreshOnce(subject, plan.stale, targetUrl)).tokens?.access_token;
        case 'expired':
          throw needsAuth(subject.prefix, `The sign-in of "${subject.prefix}" has expired.`);
      }
    },
    async onUnauthorized(subject, targetUrl) {
      const { prefix } = subject;
      const plan = planUnauthorized(usable(subject, targetUrl), deps.clock.now(), deps.reuseWindowMs);
      switch (plan.kind) {
        case 'needs-auth':
          throw needsAuth(prefix, `"${prefix}" needs you to sign in.`);
        case 'retry':
          return;
        case 'clear':
          subject.store.clearTokens();
          deps.changed(prefix);
          throw needsAuth(prefix, `"${prefix}" refused the stored sign-in.`);
        case 'refresh':
          await refreshOnce(subject, plan.stale, targetUrl);
      }
    },
  };
}
