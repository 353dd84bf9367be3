import { z } from 'zod';

/** Stable error codes: the UI, the CLI exit codes and tests key on these, never on message text. */
export const ERROR_CODES = [
  'USAGE',
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'VAULT_UNAVAILABLE',
  'VAULT_DECRYPT_FAILED',
  'DB_NEWER_THAN_APP',
  'DB_READ_ONLY',
  'DB_ERROR',
  'NEEDS_CONFIG',
  'NEEDS_AUTH',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_ERROR',
  'PORT_IN_USE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'OAUTH_ERROR',
  'CLIENT_CONFIG_UNREADABLE',
  'DATA_DIR_UNSAFE',
  'INTERNAL',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** The plain error shape that crosses process and IPC boundaries (Electron keeps only a thrown Error's message). */
export const ErrorInfoSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

/** What every command returns across the boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };
