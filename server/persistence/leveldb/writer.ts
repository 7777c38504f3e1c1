import type { BatchOp, Db } from './db.js';

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
  /** Compactions dropped because their document was deleted while they ran. */
  compactionsDiscarded: number;
  /** Compactions that failed (the document keeps its old snapshot and whole tail). */
  failedCompactions: number;
}

export function emptyWriteStats(): WriteStats {
  return {
    batches: 0,
    groupBatches: 0,
    appends: 0,
    failedBatches: 0,
    compactionsStarted: 0,
    compactions: 0,
    compactionsDiscarded: 0,
    failedCompactions: 0,
  };
}

export type BeforeWrite = (info: WriteInfo) => void | Promise<void>;

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

  /** Writes one atomic batch. Only call from inside an `exclusive` job. */
  async write(info: WriteInfo, ops: BatchOp[]): Promise<void> {
    try {
      // The hook is a test seam: a throw here fails the batch exactly as a disk error would.
      await this.beforeWrite?.(info);
      await this.db.batch(ops, this.sync);
      this.stats.batches++;
    } catch (err) {
      this.stats.failedBatches++;
      throw err;
    }
  }

  isIdle(): boolean {
    return this.queued === 0;
  }

  /** Resolves once every job queued so far has finished. */
  drained(): Promise<void> {
    return this.tail;
  }
}
