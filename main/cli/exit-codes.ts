import type { ErrorCode } from '../lib/errors.ts';

/** Exit codes a script can branch on; documented in the README. */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  notFound: 3,
  validation: 4,
  vault: 5,
  conflict: 6,
  database: 7,
  upstream: 8,
  auth: 9,
} as const;

/** Maps an error code to the exit code documented in the README. */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'USAGE':
      return EXIT.usage;
    case 'NOT_FOUND':
      return EXIT.notFound;
    case 'VALIDATION':
    case 'CLIENT_CONFIG_UNREADABLE':
      return EXIT.validation;
    case 'VAULT_UNAVAILABLE':
    case 'VAULT_DECRYPT_FAILED':
      return EXIT.vault;
    case 'CONFLICT':
    case 'PORT_IN_USE':
      return EXIT.conflict;
    case 'DB_NEWER_THAN_APP':
    case 'DB_READ_ONLY':
    case 'DB_ERROR':
    case 'DATA_DIR_UNSAFE':
      return EXIT.database;
    case 'UPSTREAM_UNAVAILABLE':
    case 'UPSTREAM_TIMEOUT':
    case 'UPSTREAM_ERROR':
    case 'NEEDS_CONFIG':
      return EXIT.upstream;
    case 'NEEDS_AUTH':
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
    case 'OAUTH_ERROR':
      return EXIT.auth;
    default:
      return EXIT.internal;
  }
}
