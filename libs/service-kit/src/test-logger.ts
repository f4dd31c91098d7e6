import { createLogger } from './logger.ts';
import type { LogFormat, Logger } from './logger.ts';

/** A logger that keeps its lines in memory, for tests that assert on what was logged. */
export function memoryLogger(format: LogFormat = 'json'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', format, sink: { write: (line) => lines.push(line) } });
  return { logger, lines };
}
