import type { Db } from './db.js';
import { readMeta } from './document-reader.js';
import { checkedAgainstLedger } from './integrity.js';
import { DocKeys } from './keys.js';
import type { Ledger } from './ledger.js';
import { type DocMeta, EMPTY_META } from './records.js';

/** What the store knows of a document between writes: its committed meta and more. */
export interface DocState extends DocMeta {
  /** Whether any record of the document is stored. */
  exists: boolean;
  /**
   * Changes with every committed delete and every (re)load of the state, unique in the store. A
   * compaction remembers the epoch it read at and is discarded if it changed, so it can never
   * resurrect records of a deleted document, even if the state was evicted and read again.
   */
  epoch: number;
}

/** How many document states stay cached; the least recently used beyond it are dropped. */
export const DEFAULT_CACHED_STATES = 10_000;

/**
 * The committed state of recently used documents, read from meta on first use. Only the writer
 * changes a state (after its batch is written), so a state always equals what is on disk.
 * Bounded: the least recently used states beyond `capacity` are evicted (and read again from
 * meta when needed), so a server that has written many documents does not keep them all.
 */
export class DocStates {
  private readonly states = new Map<string, DocState>();
  private readonly loading = new Map<string, Promise<DocState>>();
  private epochs = 0;

  constructor(
    private readonly db: Db,
    private readonly ledger: Ledger,
    private readonly capacity: number,
    /** States that must stay cached (a compaction of the document is running). */
    private readonly pinned: (name: string) => boolean,
  ) {}

  peek(name: string): DocState | undefined {
    return this.states.get(name);
  }

  get size(): number {
    return this.states.size;
  }

  /**
   * The document's state, reading its meta once. Rejects (uncached) when the meta is corrupt or
   * the document lost acknowledged updates (the ledger counts more than LevelDB holds): writing
   * on top of a loss would hide it.
   */
  get(name: string): Promise<DocState> {
    const known = this.states.get(name);
    if (known !== undefined) {
      this.touch(name, known);
      return Promise.resolve(known);
    }
    let pending = this.loading.get(name);
    if (pending === undefined) {
      const keys = new DocKeys(name);
      pending = checkedAgainstLedger(this.ledger, name, async () => ({ meta: await readMeta(this.db, keys) }))
        .then(({ meta }) => {
          // A write may not commit before its state is loaded, so no newer state can exist here.
          const state: DocState = { ...(meta ?? EMPTY_META), exists: meta !== undefined, epoch: this.nextEpoch() };
          this.touch(name, state);
          return state;
        })
        .finally(() => this.loading.delete(name));
      this.loading.set(name, pending);
    }
    return pending;
  }

  /** Records the state a written batch left behind. */
  commit(name: string, state: DocState): void {
    this.touch(name, state);
  }

  /** A fresh epoch (for a committed delete). */
  nextEpoch(): number {
    return ++this.epochs;
  }

  /** Forgets every state (after the database was reopened: disk is the truth again). */
  clear(): void {
    this.states.clear();
  }

  private touch(name: string, state: DocState): void {
    // Map order is insertion order: re-inserting moves the name to the most recently used end.
    this.states.delete(name);
    this.states.set(name, state);
    if (this.states.size <= this.capacity) return;
    for (const candidate of this.states.keys()) {
      if (this.states.size <= this.capacity) break;
      if (candidate === name || this.pinned(candidate)) continue;
      this.states.delete(candidate);
    }
  }
}
