/**
 * The operator-facing log: pino JSON lines (one object per event, ready for a log pipeline), or
 * pino-pretty's readable lines when a person is watching a terminal. Library code logs only
 * through this logger or `debug`; what it logs is names, codes, sizes and durations, never
 * document content.
 */
import type { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

import type { LogFormat, LogLevel } from './log-levels.js';

export interface LoggerOptions {
  level: LogLevel;
  /** 'auto' is pretty when the destination is a terminal, JSON otherwise. */
  format: LogFormat;
  /** Default: standard output. */
  destination?: Writable & { isTTY?: boolean; fd?: number };
}

export type { Logger };

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stdout;
  const pretty = options.format === 'pretty' || (options.format === 'auto' && destination.isTTY === true);
  const base = {
    level: options.level,
    base: { service: 'quire' },
    // `doc` and `code` are the fields operators filter on; errors keep their stack.
    serializers: { err: pino.stdSerializers.err },
  };
  if (pretty) {
    // Synchronous, so the last lines before an exit are not lost.
    return pino(base, pinoPretty({ destination, sync: true, colorize: destination.isTTY === true, ignore: 'pid,hostname,service' }));
  }
  if (destination === process.stdout) return pino(base, pino.destination({ fd: 1, sync: true }));
  return pino(base, destination);
}
