/**
 * Group commit on PostgreSQL: every append and delete issued while the previous transaction runs
 * (at least one event-loop turn's worth, across documents) goes into the next transaction, in the
 * order issued. Each promise settles after COMMIT: acknowledged means committed. One transaction in
 * flight at a time, so a document's later append always gets a higher seq than an earlier one.
 *
 * A transaction PostgreSQL aborted for a deadlock or a serialization failure committed nothing and
 * is retried; any other failure rejects every operation of the batch (nothing of it is
 * acknowledged), and the next batch goes on.
 */
import createDebug from 'debug';
import { StoreClosedError, StoreWriteError } from '../leveldb/errors.js';
import { type AppendInput, type BumpedDocument, appendRows, deleteDocumentRows } from './commit-statements.js';
import { type ClientPool, inTransaction } from './queryable.js';
import type { Tables } from './schema.js';

const debug = createDebug('quire:store:postgres:commit');
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 4;

interface Operation {
  kind: 'append' | 'delete';
  docName: string;
  name: Buffer;
  data: Buffer;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** What one document gained in a committed transaction. */
export interface CommittedRows {
  docName: string;
  /** The rows' sequence numbers are firstSeq..firstSeq + updates.length - 1. */
  firstSeq: number;
  updates: Uint8Array[];
  tailCount: number;
  tailBytes: number;
}

export class GroupCommit {
  private queue: Operation[] = [];
  private inFlight: Promise<void> | null = null;
  private scheduled = false;
  private closed = false;
  /** The latest operation issued, settled either way: everything before it has settled by then. */
  private lastIssued: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: ClientPool,
    private readonly tables: Tables,
    private readonly onCommitted: (rows: CommittedRows[]) => void,
    private readonly onOutcome: (ok: boolean, error?: unknown) => void,
  ) {}

  append(docName: string, update: Uint8Array): Promise<void> {
    // Copied now: the caller may reuse its buffer before the transaction runs.
    return this.enqueue('append', docName, Buffer.from(update));
  }

  delete(docName: string): Promise<void> {
    return this.enqueue('delete', docName, Buffer.alloc(0));
  }

  /** Refuses new operations, then waits for the queued ones. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight !== null || this.queue.length > 0) {
      if (this.inFlight === null) this.flush();
      await this.inFlight;
    }
  }

  private enqueue(kind: Operation['kind'], docName: string, data: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    const operation = new Promise<void>((resolve, reject) => {
      this.queue.push({ kind, docName, name: Buffer.from(docName, 'utf8'), data, resolve, reject });
      if (this.inFlight === null && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
    this.lastIssued = operation.catch(() => {});
    return operation;
  }

  /** Resolves once every operation issued so far has committed or failed (transactions run in order). */
  async settled(): Promise<void> {
    await this.lastIssued;
  }

  private flush(): void {
    this.scheduled = false;
    if (this.inFlight !== null || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.inFlight = this.commit(batch).finally(() => {
      this.inFlight = null;
      if (this.queue.length > 0) this.flush();
    });
  }

  private async commit(batch: Operation[]): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        const committed = await this.runTransaction(batch);
        this.onOutcome(true);
        for (const op of batch) op.resolve();
        this.onCommitted(committed);
        return;
      } catch (error) {
        lastError = error;
        const code = (error as { code?: unknown }).code;
        if (typeof code !== 'string' || !RETRYABLE.has(code)) break;
        debug('transaction aborted (%s), retrying (attempt %d)', code, attempt);
      }
    }
    const names = [...new Set(batch.map((op) => op.docName))];
    const failure = new StoreWriteError(names, { cause: lastError });
    debug('%s', failure.message);
    this.onOutcome(false, lastError);
    for (const op of batch) op.reject(failure);
  }

  private async runTransaction(batch: Operation[]): Promise<CommittedRows[]> {
    const segments = splitAtDeletes(batch);
    const nowMs = Date.now();
    if (segments.length === 1 && segments[0]!.kind === 'append') {
      // One statement is its own transaction: no BEGIN/COMMIT round trips.
      return rowsOf(segments[0]!.ops, await appendRows(this.pool, this.tables, segments[0]!.ops, nowMs));
    }
    const committed: CommittedRows[] = [];
    await inTransaction(this.pool, async (db) => {
      for (const segment of segments) {
        if (segment.kind === 'delete') await deleteDocumentRows(db, this.tables, segment.ops[0]!.name);
        // One by one: a segment can hold more rows than push() takes as spread arguments.
        else for (const row of rowsOf(segment.ops, await appendRows(db, this.tables, segment.ops, nowMs))) committed.push(row);
      }
    });
    // A document deleted after appends in the same batch: report only what is still stored.
    return committed;
  }
}

interface Segment {
  kind: 'append' | 'delete';
  ops: Operation[];
}

function splitAtDeletes(batch: Operation[]): Segment[] {
  const segments: Segment[] = [];
  for (const op of batch) {
    const last = segments.at(-1);
    if (op.kind === 'append' && last?.kind === 'append') last.ops.push(op);
    else segments.push({ kind: op.kind, ops: [op] });
  }
  return segments;
}

function rowsOf(ops: readonly (Operation & AppendInput)[], bumped: BumpedDocument[]): CommittedRows[] {
  const byName = new Map<string, Uint8Array[]>();
  for (const op of ops) {
    const list = byName.get(op.docName) ?? [];
    list.push(op.data);
    byName.set(op.docName, list);
  }
  return bumped.map((doc) => {
    const updates = byName.get(doc.name) ?? [];
    return { docName: doc.name, firstSeq: doc.headSeq - updates.length + 1, updates, tailCount: doc.tailCount, tailBytes: doc.tailBytes };
  });
}
