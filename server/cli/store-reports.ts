/**
 * Puts what the LevelDB store finds into the service log: what its open found (LevelDB skipping
 * damaged log records, damaged documents), and every change of whether it accepts writes.
 */
import type { Logger } from '../observability/logger.js';
import type { LevelDbStore, OpenReport } from '../persistence/leveldb-store.js';

const MAX_DOCUMENT_LINES = 100;

export function logOpenReport(report: OpenReport, logger: Logger): void {
  for (const line of report.leveldbRecovery) {
    logger.warn(
      { leveldb: line },
      'LevelDB skipped damaged records while recovering its log (after a failed write or a crash this is the unacknowledged write; any acknowledged loss is reported per document)',
    );
  }
  if (report.ledgerStarted) logger.info('started the acknowledgement ledger from the stored documents');
  if (report.ledgerUnreadableBytes > 0)
    logger.warn(
      { bytes: report.ledgerUnreadableBytes },
      'the acknowledgement ledger ended in unreadable bytes (a torn write, or damage: losses of documents recorded after them would go unnoticed); rewritten from the records before them',
    );
  for (const { name, problem } of report.damaged.slice(0, MAX_DOCUMENT_LINES)) {
    logger.error(
      { doc: name, code: 'LOAD_FAILED', problem },
      'stored document is damaged: it is not served until repaired (quire repair) or deleted',
    );
  }
  if (report.damaged.length > MAX_DOCUMENT_LINES) {
    logger.error(
      { damaged: report.damaged.length },
      `and ${report.damaged.length - MAX_DOCUMENT_LINES} more damaged documents (GET /admin/documents lists them all)`,
    );
  }
}

/** Logs the open report now and every health change from now on; returns a function that stops. */
export function reportStoreHealth(store: LevelDbStore, logger: Logger): () => void {
  logOpenReport(store.openReport, logger);
  return store.onHealthChange((health) => {
    if (health.accepting) {
      logger.info('store accepts writes again: database reopened and checked');
      logOpenReport(store.openReport, logger);
    } else if (health.reason !== 'closed') {
      logger.error(
        { reason: health.reason, detail: health.detail },
        'store stopped accepting writes: nothing is acknowledged until it recovers; /readyz answers 503',
      );
    }
  });
}
