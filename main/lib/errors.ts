import type { ErrorCode, ErrorInfo } from '../../preload/contract/errors.ts';

export { ERROR_CODES, type ErrorCode, type ErrorInfo, type Result } from '../../preload/contract/errors.ts';

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

/** The message of anything thrown (an Error's message, or its string form). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Converts anything thrown into an ErrorInfo; unknown errors become INTERNAL with their message. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof SwitchboardError) {
    return error.details === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, details: error.details };
  }
  const message = errorMessage(error);
  return { code: 'INTERNAL', message };
}
