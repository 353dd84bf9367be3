import type { Redactor } from './redactor.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  redactor: Redactor;
  /** Receives one finished, redacted line. */
  write: (line: string) => void;
  json?: boolean;
  clock?: () => Date;
}

/** A structured logger that redacts every line just before it is written, whatever produced it. */
export function createLogger(options: LoggerOptions, bindings: Record<string, unknown> = {}): Logger {
  const min = LEVEL_ORDER[options.level ?? 'info'];
  const clock = options.clock ?? (() => new Date());

  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (LEVEL_ORDER[level] < min) return;
    const record = { time: clock().toISOString(), level, msg: message, ...bindings, ...fields };
    const line = options.json ? JSON.stringify(record, errorReplacer) : formatText(record);
    options.write(options.redactor.redact(line));
  };

  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (more) => createLogger(options, { ...bindings, ...more }),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

function formatText(record: Record<string, unknown>): string {
  const { time, level, msg, ...rest } = record;
  const extras = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v, errorReplacer)}`)
    .join(' ');
  return `${String(time)} ${String(level).toUpperCase().padEnd(5)} ${String(msg)}${extras ? ' ' + extras : ''}`;
}

/** A logger that drops everything (for tests that do not inspect logs). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
