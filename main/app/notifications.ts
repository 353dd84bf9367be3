import type { HealthSnapshot, HealthStatusName } from '../../preload/contract/models.ts';

/** States a person should hear about: the server does not work until something is done. */
const BAD: ReadonlySet<HealthStatusName> = new Set(['unhealthy', 'needs_auth', 'needs_config']);

const WHAT: Partial<Record<HealthStatusName, string>> = {
  unhealthy: 'stopped answering',
  needs_auth: 'needs you to sign in again',
  needs_config: 'needs a value before it can start',
};

/**
 * Whether a health change deserves a desktop notification, and its text. Only a change INTO a bad state
 * of a server that was already known (no burst of notifications at launch), only when the person wants them.
 */
export function shouldNotify(
  previous: HealthSnapshot | undefined,
  next: HealthSnapshot,
  settings: { notifications: boolean },
  server: { name: string },
): { title: string; body: string } | null {
  if (!settings.notifications || previous === undefined) return null;
  if (!BAD.has(next.status) || previous.status === next.status) return null;
  const detail =
    next.status === 'needs_config' && next.missing.length > 0 ? ` (${next.missing.join(', ')})` : '';
  const why = next.status === 'unhealthy' && next.lastError ? `: ${next.lastError.message}` : '';
  return {
    title: `${server.name} ${WHAT[next.status] ?? 'needs attention'}`,
    body: `${why.replace(/^: /, '') || 'Open Switchboard to see what happened.'}${detail}`.slice(0, 240),
  };
}
