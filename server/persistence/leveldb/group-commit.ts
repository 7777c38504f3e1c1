import createDebug from 'debug';
import type { BatchOp, Db, Range } from './db.js';
import type { DocState, DocStates } from './doc-states.js';
import { StoreWriteError, describeNames } from './errors.js';
import type { DocKeys } from './keys.js';
import type { Health } from './health.js';
import type { Ledger } from './ledger.js';
import { EMPTY_META, encodeMeta, frame } from './records.js';
import type { Writer } from './writer.js';

const log = createDebug('quire:store:leveldb:commit');

type PendingOp = {
  keys: DocKeys;
  resolve: () => void;
  reject: (err: unknown) => void;
} & ({ kind: 'append'; value: Buffer; payloadBytes: number } | { kind: 'delete' });

/** A document's state while a batch is being built: committed only if the batch is written. */
interface Draft {
  keys: DocKeys;
  state: DocState;
  /** Seqs put earlier in this batch, so a later delete in the same batch removes them too. */
  added: number[];
  deleted: boolean;
}

/**
 * Group commit: every append and delete issued before the writer is free — at least all of one
 * event-loop turn, across documents — goes into one LevelDB batch, in the order issued. Each
 * promise settles when that batch has been written (or failed): an append is acknowledged only
 * once it is on disk. While a batch is in flight the next group keeps filling, so a slow write
 * (fsync) makes batches larger instead of making a queue of them.
 */
export class GroupCommit {
  private pending: PendingOp[] = [];
  private flushQueued = false;

  constructor(
    private readonly db: Db,
    private readonly writer: Writer,
    private readonly states: DocStates,
    private readonly ledger: Ledger,
    private readonly health: Health,
    /** Called with the documents of each written batch (to consider compaction). */
    private readonly onCommitted: (names: string[]) => void,
    /** Key ranges outside `doc/` that belong to a document and go in the same batch when it is deleted (its versions). */
    private readonly ownedRanges: (name: string) => Range[] = () => [],
  ) {}

  append(keys: DocKeys, update: Uint8Array): Promise<void> {
    // Refused at once while the store recovers: queueing would only delay the same answer.
    const unavailable = this.health.unavailableError();
    if (unavailable !== null) return Promise.reject(unavailable);
    // Framing copies the update, so the caller may reuse its buffer as soon as this returns.
    const value = frame(update);
    return this.enqueue((resolve, reject) => ({ kind: 'append', keys, value, payloadBytes: update.byteLength, resolve, reject }));
  }

  delete(keys: DocKeys): Promise<void> {
    return this.enqueue((resolve, reject) => ({ kind: 'delete', keys, resolve, reject }));
  }

  isIdle(): boolean {
    return this.pending.length === 0 && !this.flushQueued;
  }

  /** Resolves once every append and delete issued before this call is written (or failed). */
  async written(): Promise<void> {
    // setImmediate callbacks run in order, so a flush scheduled before this call has queued its
    // job by the time ours runs; the writer's queue then covers it.
    await new Promise((resolve) => setImmediate(resolve));
    await this.writer.drained();
  }

  private enqueue(make: (resolve: () => void, reject: (err: unknown) => void) => PendingOp): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push(make(resolve, reject));
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    // setImmediate runs after the I/O callbacks of this turn, so everything issued in the turn
    // (and its microtasks) is already pending when the group is taken.
    setImmediate(() => {
      void this.writer.exclusive(async () => {
        this.flushQueued = false;
        const ops = this.pending;
        this.pending = [];
        if (ops.length === 0) return;
        try {
          await this.commit(ops);
        } catch (err) {
          // Building the batch failed (a read for a delete, say): nothing was written. Settling
          // an already settled promise does nothing, so this only reaches the ops left waiting.
          log('group of %d operations failed before writing: %O', ops.length, err);
          const error = new StoreWriteError([...new Set(ops.map((op) => op.keys.name))], { cause: err });
          for (const op of ops) op.reject(error);
        }
      });
    });
  }

  private async commit(ops: PendingOp[]): Promise<void> {
    const drafts = await this.loadDrafts(ops);
    const batch: BatchOp[] = [];
    const written: PendingOp[] = [];
    for (const op of ops) {
      let draft = drafts.get(op.keys.name)!;
      if (draft instanceof Error) {
        if (op.kind === 'append') {
          op.reject(draft);
          continue;
        }
        // Deleting is the way out of a corrupt document: remove whatever is there.
        draft = { keys: op.keys, state: { ...EMPTY_META, exists: true, epoch: 0 }, added: [], deleted: false };
        drafts.set(op.keys.name, draft);
      }
      written.push(op);
      if (op.kind === 'append') {
        const seq = draft.state.nextSeq++;
        batch.push({ type: 'put', key: op.keys.update(seq), value: op.value });
        draft.added.push(seq);
        draft.state.tailCount++;
        draft.state.tailBytes += op.payloadBytes;
        draft.state.exists = true;
      } else {
        await this.deleteRecords(draft, batch);
      }
    }
    if (written.length === 0) return;

    const now = Date.now();
    const names: string[] = [];
    const deleted: string[] = [];
    const grown: Array<[string, number]> = [];
    for (const [name, draft] of drafts) {
      if (draft instanceof Error) continue;
      names.push(name);
      if (draft.deleted) deleted.push(name);
      if (!draft.state.exists) continue;
      draft.state.updatedAt = now;
      batch.push({ type: 'put', key: draft.keys.meta, value: encodeMeta(draft.state) });
      grown.push([name, draft.state.nextSeq]);
    }

    try {
      await this.writer.write({ kind: 'group', documents: names, operations: batch.length }, batch, {
        // The ledger never claims more than LevelDB holds: deletions before, growth after.
        before: () => this.ledger.recordDeleted(deleted),
        after: async () => {
          await this.ledger.recordStates(grown);
          if (this.ledger.wantsRewrite()) await this.ledger.rewrite();
        },
      });
    } catch (err) {
      const error = new StoreWriteError(names, { cause: err });
      log('batch of %d updates failed for %s: %O', written.length, describeNames(names), err);
      for (const op of written) op.reject(error);
      return;
    }
    this.writer.stats.groupBatches++;
    for (const [name, draft] of drafts) {
      if (draft instanceof Error) continue;
      if (draft.deleted) draft.state.epoch = this.states.nextEpoch();
      this.states.commit(name, draft.state);
    }
    for (const op of written) {
      if (op.kind === 'append') this.writer.stats.appends++;
      op.resolve();
    }
    log('wrote %d appends/deletes of %s in one batch', written.length, describeNames(names));
    this.onCommitted(names);
  }

  /** A draft per document of the group, or the error that makes its records unwritable. */
  private async loadDrafts(ops: PendingOp[]): Promise<Map<string, Draft | Error>> {
    const keysByName = new Map(ops.map((op) => [op.keys.name, op.keys]));
    const names = [...keysByName.keys()];
    const loaded = await Promise.allSettled(names.map((name) => this.states.get(name)));
    const drafts = new Map<string, Draft | Error>();
    names.forEach((name, i) => {
      const result = loaded[i]!;
      const keys = keysByName.get(name)!;
      if (result.status === 'rejected') {
        log('not writing to %s: %O', JSON.stringify(name), result.reason);
        drafts.set(name, result.reason instanceof Error ? result.reason : new Error(String(result.reason)));
      } else {
        drafts.set(name, { keys, state: { ...result.value }, added: [], deleted: false });
      }
    });
    return drafts;
  }

  /**
   * Adds deletes of every record of the document: those on disk (meta and snapshot included) and
   * the updates put earlier in this batch. Its meta is not written back unless appended to after.
   */
  private async deleteRecords(draft: Draft, batch: BatchOp[]): Promise<void> {
    const { keys } = draft;
    if (draft.state.exists && !draft.deleted) {
      // The writer is the only one writing, so what is on disk cannot change under this read.
      for (const { key } of await this.db.readRange(keys.all, { values: false })) batch.push({ type: 'del', key });
    }
    for (const seq of draft.added) batch.push({ type: 'del', key: keys.update(seq) });
    for (const range of this.ownedRanges(keys.name)) {
      for (const { key } of await this.db.readRange(range, { values: false })) batch.push({ type: 'del', key });
    }
    // nextSeq keeps growing: a seq is never reused while this process runs.
    draft.state = { ...draft.state, tailCount: 0, tailBytes: 0, snapshotBytes: 0, exists: false };
    draft.added = [];
    draft.deleted = true;
  }
}
