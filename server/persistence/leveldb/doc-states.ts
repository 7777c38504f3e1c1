import type { Db } from './db.js';
import { readMeta } from './document-reader.js';
import { DocKeys } from './keys.js';
import { type DocMeta, EMPTY_META } from './records.js';

/** What the store knows of a document between writes: its committed meta and more. */
export interface DocState extends DocMeta {
  /** Whether any record of the document is stored. */
  exists: boolean;
  /**
   * Bumped by every committed delete. A compaction remembers the epoch it read at and is
   * discarded if it changed, so it can never resurrect records of a deleted document.
   */
  epoch: number;
}

/**
 * The committed state of each document this store has touched, read from meta on first use.
 * Only the writer changes a state (after its batch is written), so a state always equals what
 * is on disk.
 */
export class DocStates {
  private readonly states = new Map<string, DocState>();
  private readonly loading = new Map<string, Promise<DocState>>();

  constructor(private readonly db: Db) {}

  peek(name: string): DocState | undefined {
    return this.states.get(name);
  }

  /** The document's state, reading its meta once. Rejects (uncached) when the meta is corrupt. */
  get(name: string): Promise<DocState> {
    const known = this.states.get(name);
    if (known !== undefined) return Promise.resolve(known);
    let pending = this.loading.get(name);
    if (pending === undefined) {
      pending = readMeta(this.db, new DocKeys(name))
        .then((meta) => {
          // A write may not commit before its state is loaded, so no newer state can exist here.
          const state: DocState = { ...(meta ?? EMPTY_META), exists: meta !== undefined, epoch: 0 };
          this.states.set(name, state);
          return state;
        })
        .finally(() => this.loading.delete(name));
      this.loading.set(name, pending);
    }
    return pending;
  }

  /** Records the state a written batch left behind. */
  commit(name: string, state: DocState): void {
    this.states.set(name, state);
  }
}
