import { checkResourceAllowed, resourceUrlFromServerUrl } from '@modelcontextprotocol/client';
import type { RemoteServerDefinition } from '../../preload/contract/server-definition.ts';
import type { GrantRecord } from './grant-record.ts';

/**
 * Whether a stored grant may be used for a server AS IT IS DEFINED NOW. Pure. A grant is bound to the
 * resource (RFC 8707) it was obtained for; a server whose URL was edited to point elsewhere, or whose
 * configured resource or pre-registered client changed, must not be sent the old token — the person
 * signs in again instead (status: not connected → health: needs_auth).
 */

/** The RFC 8707 canonical resource of a server URL (fragment dropped), or undefined when it is no URL. */
export function canonicalResource(url: string): string | undefined {
  try {
    return resourceUrlFromServerUrl(url).href;
  } catch {
    return undefined;
  }
}

/** Why a grant does not fit, for a debug log line (never a token); undefined when it fits. */
export function grantMisfit(
  record: GrantRecord,
  definition: Pick<RemoteServerDefinition, 'url' | 'auth'>,
): string | undefined {
  if (record.resource === undefined) return 'the grant records no resource';
  const auth =
    definition.auth?.kind === 'oauth' && definition.auth.flow === 'authorization_code'
      ? definition.auth
      : undefined;
  if (auth?.resource !== undefined) {
    if (sameUrl(auth.resource, record.resource) !== true) return 'the configured resource changed';
  } else {
    const requested = canonicalResource(definition.url);
    if (requested === undefined || !resourceAllows(requested, record.resource))
      return 'the server URL now names another resource';
  }
  // A person's own client registration: a grant of another client id belongs to another configuration.
  if (record.client.source === 'pre-registered' && auth?.clientId !== record.client.client_id)
    return 'the configured client id changed';
  return undefined;
}

/** True when `record` may be used for `definition` (see grantMisfit). */
export function grantFits(
  record: GrantRecord,
  definition: Pick<RemoteServerDefinition, 'url' | 'auth'>,
): boolean {
  return grantMisfit(record, definition) === undefined;
}

/** The SDK's own rule for "this resource covers that server URL": same origin, path prefix. */
function resourceAllows(requested: string, configured: string): boolean {
  try {
    return checkResourceAllowed({ requestedResource: requested, configuredResource: configured });
  } catch {
    return false;
  }
}

function sameUrl(a: string, b: string): boolean | undefined {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return undefined;
  }
}
