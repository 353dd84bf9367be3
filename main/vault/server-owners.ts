/**
 * The vault owners of everything a server keeps secret, by server id (never by prefix: a prefix can be
 * reused by another server, an id never is). Migration 008's trigger deletes exactly these with the row.
 */

/** The server's secret variables. */
export function serverSecretOwner(serverId: number): string {
  return `server:${serverId}`;
}

/** Its OAuth grants and dynamic client registrations (keyed by issuer inside). */
export function oauthGrantOwner(serverId: number): string {
  return `oauth-grant:${serverId}`;
}

/** The client secret a person gave for it (pre-registered or client-credentials client). */
export function oauthClientSecretOwner(serverId: number): string {
  return `oauth-client-secret:${serverId}`;
}

/** Every owner a server's secrets can live under. */
export function ownersOfServer(serverId: number): string[] {
  return [serverSecretOwner(serverId), oauthGrantOwner(serverId), oauthClientSecretOwner(serverId)];
}
