import type { z } from 'zod';
import { commands, type CommandName } from '../../preload/contract/commands.ts';
import type { ErrorInfo, Result } from '../../preload/contract/errors.ts';
import { definitionIssues, formatIssuePath } from '../../preload/contract/server-definition.ts';
import { SwitchboardError, errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { silentLogger } from '../lib/logger.ts';
import type { HandlerTable } from './handler-types.ts';

/** Runs one contract command from untrusted input; always resolves with a Result, never throws. */
export type ContractDispatcher = (name: string, input: unknown) => Promise<Result<unknown>>;

export interface DispatcherOptions {
  /** Removes secrets from error text (the hub's Redactor). */
  redact(text: string): string;
  log?: Logger;
}

/** True when `name` is a command of the contract (own property only: "__proto__" is not a command). */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

/**
 * The ONE way into the handlers, shared by Electron IPC, the web mode and the tray: validates the input
 * with the contract (nothing runs on invalid input), runs the handler, then validates and strips the
 * output with the contract, so a handler can never leak a field (a secret) the contract does not declare.
 */
export function createContractDispatcher(
  handlers: HandlerTable,
  options: DispatcherOptions,
): ContractDispatcher {
  const log = options.log ?? silentLogger;
  const fail = (error: ErrorInfo): Result<never> => ({ ok: false, error });

  return async (name, rawInput) => {
    try {
      if (!isCommandName(name)) return fail({ code: 'NOT_FOUND', message: `unknown command "${name}"` });
      const contract = commands[name];
      const parsed = contract.input.safeParse(rawInput === undefined ? {} : rawInput);
      if (!parsed.success) return fail(validationError(name, parsed.error));
      const handler = handlers[name] as (input: unknown) => unknown;
      const value = await handler(parsed.data);
      const output = contract.output.safeParse(value);
      if (!output.success) {
        // Paths only: the value itself may be exactly what must not be shown.
        log.error('a command handler returned a value outside the contract', {
          command: name,
          issues: output.error.issues.map(
            (i) => `${formatIssuePath(i.path as (string | number)[])}: ${i.message}`,
          ),
        });
        return fail({
          code: 'INTERNAL',
          message: `${name} produced an answer outside the contract; see the log`,
        });
      }
      return { ok: true, value: output.data };
    } catch (error) {
      return fail(toSafeErrorInfo(error, options.redact, log, name));
    }
  };
}

/** VALIDATION naming each bad field, with `details.issues` ({ path, message }) for forms. */
export function validationError(command: string, error: z.ZodError): ErrorInfo {
  const issues = definitionIssues(error);
  const summary = issues
    .map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`)
    .join('; ');
  return {
    code: 'VALIDATION',
    message: `invalid input for ${command}: ${summary}`,
    details: { issues },
  };
}

/** A thrown error as it may cross to the window: code, redacted message, redacted details. */
export function toSafeErrorInfo(
  error: unknown,
  redact: (text: string) => string,
  log: Logger = silentLogger,
  command?: string,
): ErrorInfo {
  if (error instanceof SwitchboardError) {
    const details = redactDetails(error.details, redact);
    return {
      code: error.code,
      message: redact(error.message),
      details,
    };
  }
  const message = redact(errorMessage(error));
  log.error('a command failed unexpectedly', { command, error: message });
  return { code: 'INTERNAL', message };
}

function redactDetails(details: unknown, redact: (text: string) => string): unknown {
  if (details === undefined) return undefined;
  try {
    return JSON.parse(redact(JSON.stringify(details))) as unknown;
  } catch {
    return undefined;
  }
}
