import { writeSync } from 'node:fs';
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { redactSecrets, redactText } from './redact.ts';

type LogRecord = Record<string, unknown>;

/** Parses one pino line and redacts it; a line that is not JSON is redacted as text. */
function redactLine(line: string): LogRecord | string {
  try {
    return redactSecrets(JSON.parse(line)) as LogRecord;
  } catch {
    return redactText(line);
  }
}

function formatJson(record: LogRecord | string): string {
  return typeof record === 'string' ? record : `${JSON.stringify(record)}\n`;
}

/** Severities accepted by `--log.level`, as upstream. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Formats accepted by `--log.format`, as upstream (logfmt is the default there). */
export const LOG_FORMATS = ['logfmt', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export type { Logger } from 'pino';

/** Where log lines go; receives one complete line (with its newline) per call. */
export interface LogSink {
  write(line: string): void;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly format?: LogFormat;
  /** Defaults to standard error, written synchronously so nothing is lost at exit. */
  readonly sink?: LogSink;
  /** Fields added to every line (`{ component: 'tsdb' }`); redacted like the rest. */
  readonly bindings?: Record<string, unknown>;
}

const stderrSink: LogSink = {
  write(line) {
    writeSync(2, line);
  },
};

/**
 * Creates the service's pino logger. Lines carry `ts` (RFC 3339), `level` (its name) and
 * `msg`; with `format: 'logfmt'` they are rendered as `ts=… level=info msg="…" key=value`.
 * Every finished line goes through `redactSecrets` just before the sink, so secret-named
 * fields, URL passwords and bearer/basic credentials never reach it, whether they came
 * from the message, the fields, child bindings or an error.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const sink = options.sink ?? stderrSink;
  const render = (options.format ?? 'logfmt') === 'logfmt' ? formatLogfmt : formatJson;
  const destination: DestinationStream = { write: (line: string) => sink.write(render(redactLine(line))) };
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      messageKey: 'msg',
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: {
        level: (label) => ({ level: label }),
        // Early pass so Maps, URLs and error causes keep their content in the JSON.
        log: (object) => redactSecrets(object) as LogRecord,
      },
    },
    destination,
  );
  return options.bindings ? logger.child(options.bindings) : logger;
}

const FIRST_KEYS = ['ts', 'level', 'msg'];

/**
 * Turns one pino JSON line into a logfmt line: `ts`, `level`, `msg` first, then the other
 * fields in their order; nested values are written as JSON; values with spaces, quotes,
 * `=` or control characters are quoted. A line that is not JSON is returned unchanged.
 */
export function jsonLineToLogfmt(line: string): string {
  try {
    return formatLogfmt(JSON.parse(line) as LogRecord);
  } catch {
    return line;
  }
}

function formatLogfmt(record: LogRecord | string): string {
  if (typeof record === 'string') return record;
  const parts: string[] = [];
  for (const key of FIRST_KEYS) if (key in record) parts.push(`${key}=${logfmtValue(record[key])}`);
  for (const [key, value] of Object.entries(record)) {
    if (!FIRST_KEYS.includes(key)) parts.push(`${key}=${logfmtValue(value)}`);
  }
  return `${parts.join(' ')}\n`;
}

function logfmtValue(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return text === '' || /[\s"=\\\x00-\x1f]/.test(text) ? JSON.stringify(text) : text;
}
