/**
 * Turns what the server reports into log lines. Every error line carries the document name and
 * the stable error code; failures of the server itself (store, load, unexpected exceptions) are
 * `error` with their cause, refusals of a client's request are `warn` without one.
 */
import type { ErrorEvent, ServerObserver } from '../core/observer.js';
import type { Logger } from './logger.js';

const SERVER_SIDE_OPERATIONS = new Set(['load', 'unload', 'store-write']);

export function logObserver(logger: Logger): ServerObserver {
  return {
    documentLoaded: ({ docName, storedUpdates, durationMs }) =>
      logger.debug({ doc: docName, storedUpdates, durationMs: round(durationMs) }, 'document loaded'),
    documentUnloaded: ({ docName }) => logger.debug({ doc: docName }, 'document unloaded'),
    connectionOpened: ({ docName, transport }) => logger.trace({ doc: docName, transport }, 'client joined document'),
    connectionClosed: ({ docName, reason }) => logger.trace({ doc: docName, reason }, 'client left document'),
    compaction: ({ docName, durationMs }) => logger.debug({ doc: docName, durationMs: round(durationMs) }, 'document compacted'),
    error: (event) => logError(logger, event),
  };
}

function logError(logger: Logger, { docName, code, operation, cause }: ErrorEvent): void {
  const fields = { doc: docName, code, operation };
  if (cause !== undefined || SERVER_SIDE_OPERATIONS.has(operation) || code === 'INTERNAL') {
    logger.error({ ...fields, err: cause }, `${operation} failed`);
  } else {
    logger.warn(fields, `${operation} refused`);
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
