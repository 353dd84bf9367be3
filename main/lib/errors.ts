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
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error a person can act on: a stable code plus a message that says what to do. */
export class SwitchboardError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options?: { details?: unknown; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SwitchboardError';
    this.code = code;
    this.details = options?.details;
  }
}

/** True when `error` is a SwitchboardError, optionally with the given code. */
export function isSwitchboardError(error: unknown, code?: ErrorCode): error is SwitchboardError {
  return error instanceof SwitchboardError && (code === undefined || error.code === code);
}

/** The plain shape that crosses process and IPC boundaries (Electron keeps only `message` of a thrown Error). */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** Converts anything thrown into an ErrorInfo; unknown errors become INTERNAL with their message. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof SwitchboardError) {
    return error.details === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, details: error.details };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };
