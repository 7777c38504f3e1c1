import createDebug from 'debug';
import type { Db } from './db.js';
import { readMeta } from './document-reader.js';
import { findDamage } from './integrity.js';
import { DocKeys } from './keys.js';
import type { Ledger } from './ledger.js';
import { listDocuments } from './list.js';

const log = createDebug('quire:store:leveldb:check');

/** What the store found when it opened (or reopened) its database. */
export interface OpenReport {
  /**
   * Lines of LevelDB's own log saying its recovery skipped damaged records at this open ("…log:
   * dropping 32768 bytes; Corruption: checksum mismatch"). Expected after a write failed (the
   * failed record); a loss of acknowledged updates shows in `damaged`, never only here.
   */
  leveldbRecovery: string[];
  /** The ledger was missing and was started from the stored documents (a data directory from before it existed, or one whose ledger was removed). */
  ledgerStarted: boolean;
  /**
   * Bytes at the end of the ledger that did not form valid records: a torn write (harmless), or
   * a damaged record, whose later claims are lost with it (losses of those documents go unseen).
   */
  ledgerUnreadableBytes: number;
  /** Documents whose records are damaged or whose acknowledged updates are missing. */
  damaged: Array<{ name: string; problem: string }>;
}

/**
 * Checks a freshly (re)opened database against the ledger and leaves the ledger in a clean,
 * compact file. Every document the ledger lists is checked by its meta; when LevelDB reported
 * skipping damaged records, or could not even list the documents, every record of every document
 * is read too.
 */
export async function checkOpenedDatabase(db: Db, ledger: Ledger): Promise<{ report: OpenReport; damaged: Map<string, string> }> {
  const listed = await listDocuments(db);
  const ledgerStarted = !ledger.report.existed;
  if (ledgerStarted) {
    // Nothing to compare against yet: what is stored now is the baseline from here on.
    for (const info of listed.documents) {
      if (info.problem !== undefined) continue;
      const meta = await readMeta(db, new DocKeys(info.name)).catch(() => undefined);
      if (meta !== undefined) ledger.raise(info.name, meta.nextSeq);
    }
  }
  const deep = db.recoveryReport.length > 0 || listed.error !== null;
  if (deep) log('checking every record of every document (LevelDB reported: %s)', db.recoveryReport.join(' | ') || listed.error?.message);
  const damaged = await findDamage(db, ledger, deep, listed.documents);
  // Taken before the rewrite, which starts a clean file and resets it.
  const ledgerUnreadableBytes = ledger.report.unreadableBytes;
  await ledger.rewrite();
  const report: OpenReport = {
    leveldbRecovery: [...db.recoveryReport],
    ledgerStarted,
    ledgerUnreadableBytes,
    damaged: [...damaged].map(([name, problem]) => ({ name, problem })),
  };
  if (damaged.size > 0) log('%d damaged documents: %O', damaged.size, report.damaged);
  return { report, damaged };
}
