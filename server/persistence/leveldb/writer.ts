import type { BatchOp, Db } from './db.js';
import { StoreUnavailableError } from './errors.js';
import type { Health } from './health.js';

/** What a batch is about to write, as shown to the `beforeWrite` hook. */
export interface WriteInfo {
  kind: 'group' | 'compaction' | 'versions';
  /** Documents the batch touches. */
  documents: string[];
  /** Number of LevelDB operations (puts and deletes) in the batch. */
  operations: number;
}

/** Counters of what the store has written since it opened. */
export interface WriteStats {
  /** Batches written (group commits and compactions). */
  batches: number;
  /** Group-commit batches written. */
  groupBatches: number;
  /** Updates appended and acknowledged. */
  appends: number;
  /** Batches that failed to write (a failed group rejects all its appends). */
  failedBatches: number;
  /** Compactions begun (read phase started). */
  compactionsStarted: number;
  /** Compactions whose batch was written. */
  compactions: number;
  /** Compactions whose snapshot was encoded from the loaded document instead of merged. */
  compactionsFromLoadedDocuments: number;
  /** Compactions dropped because their document was deleted while they ran. */
  compactionsDiscarded: number;
  /** Compactions that failed (the document keeps its old snapshot and whole tail). */
  failedCompactions: number;
  /** Times the store went back to accepting writes after a failure (reopened and checked). */
  recoveries: number;
}

export function emptyWriteStats(): WriteStats {
  return {
    batches: 0,
    groupBatches: 0,
    appends: 0,
    failedBatches: 0,
    compactionsStarted: 0,
    compactions: 0,
    compactionsFromLoadedDocuments: 0,
    compactionsDiscarded: 0,
    failedCompactions: 0,
    recoveries: 0,
  };
}

export type BeforeWrite = (info: WriteInfo) => void | Promise<void>;

/** Steps around one batch: `before` runs just before LevelDB writes it, `after` once it is written. */
export interface WriteSteps {
  before?: () => Promise<void>;
  after?: () => Promise<void>;
}

/**
 * The single writer: runs write jobs one at a time, in order. One batch in flight at a time
 * keeps each document's in-memory state equal to what is on disk when the next batch is built,
 * and lets appends pile up into the next group meanwhile.
 */
export class Writer {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(
    private readonly db: Db,
    private readonly sync: boolean,
    readonly stats: WriteStats,
    private readonly beforeWrite: BeforeWrite | undefined,
    private readonly health: Health,
    /** Told about every failed write (the store then stops accepting and recovers). */
    private readonly onFailure: (err: unknown) => void,
  ) {}

  /** Runs `job` after every job queued before it. */
  exclusive<T>(job: () => Promise<T>): Promise<T> {
    this.queued++;
    const result = this.tail.then(job);
    this.tail = result.then(
      () => void this.queued--,
      () => void this.queued--,
    );
    return result;
  }

  /**
   * Writes one atomic batch. Only call from inside an `exclusive` job. Refuses at once while the
   * store is not accepting: after a failed write LevelDB's log may end in a damaged record, and a
   * later record appended behind it could be skipped when the log is recovered, so nothing is
   * written until the database has been reopened (see recovery.ts).
   */
  async write(info: WriteInfo, ops: BatchOp[], steps: WriteSteps = {}): Promise<void> {
    const unavailable = this.health.unavailableError();
    if (unavailable !== null) throw unavailable;
    try {
      // The hook is a test seam: a throw here fails the batch exactly as a disk error would.
      await this.beforeWrite?.(info);
      await steps.before?.();
      await this.db.batch(ops, this.sync);
    } catch (err) {
      this.stats.failedBatches++;
      this.onFailure(err);
      throw err;
    }
    // Written into a directory that is no longer there (or no longer ours) is not durable.
    const problem = this.db.directoryProblem();
    if (problem !== null) {
      this.stats.failedBatches++;
      this.health.fail(problem.reason, problem.detail);
      this.onFailure(new StoreUnavailableError(problem.detail));
      throw new StoreUnavailableError(problem.detail);
    }
    try {
      await steps.after?.();
    } catch (err) {
      this.stats.failedBatches++;
      this.onFailure(err);
      throw err;
    }
    this.stats.batches++;
  }

  isIdle(): boolean {
    return this.queued === 0;
  }

  /** Resolves once every job queued so far has finished. */
  drained(): Promise<void> {
    return this.tail;
  }
}
