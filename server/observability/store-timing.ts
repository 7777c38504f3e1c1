/**
 * Measures a store's write batches from the outside, so every DocumentStore (memory, LevelDB,
 * later PostgreSQL) reports the same metrics without knowing about them.
 *
 * A batch is the set of appends issued in one event-loop turn: exactly what the stores group into
 * one write (see persistence/types.ts). Its duration runs from the first append to the moment all
 * of them are durable, which is what an acknowledgement waits for. A failed append is reported
 * with its document name (once per document per batch when batches are measured).
 */
import { ErrorCodes } from '../../shared/errors.js';
import type { CoreObserver } from '../core/observer.js';
import type { DocumentStore, StoreHealth, StoredDocumentInfo } from '../persistence/types.js';

interface Batch {
  started: number;
  bytes: number;
  writes: Promise<void>[];
  failedDocs: Set<string>;
}

export interface TimedStore extends DocumentStore {
  /** False once `close()` was called: the store no longer accepts writes. */
  readonly accepting: boolean;
  /** The wrapped store's health (always accepting for a store that does not report it), closed once closed. */
  health(): StoreHealth;
  /** The wrapped store. */
  readonly inner: DocumentStore;
}

export interface StoreTimingOptions {
  /**
   * Report a batch per turn's appends. Off for a store that reports its own batches (its
   * grouping is the true one: a store may keep filling a batch while the previous one writes).
   */
  measureBatches: boolean;
}

export function timeStoreWrites(inner: DocumentStore, observer: CoreObserver, options: StoreTimingOptions): TimedStore {
  let batch: Batch | null = null;
  let accepting = true;

  const closeBatch = (current: Batch) => {
    batch = null;
    void Promise.allSettled(current.writes).then((results) => {
      observer.storeBatch({
        updates: current.writes.length,
        bytes: current.bytes,
        durationMs: performance.now() - current.started,
        ok: results.every((r) => r.status === 'fulfilled'),
      });
    });
  };

  return {
    inner,
    // Version records are written through the inner store's own writer, after its appends.
    ...(inner.versions === undefined ? {} : { versions: inner.versions }),
    // A shared store's client-id claims are its own statements, not appends.
    ...(inner.clientIdOwners === undefined ? {} : { clientIdOwners: inner.clientIdOwners }),
    get accepting() {
      return accepting;
    },
    load: (name) => inner.load(name),
    has: (name) => inner.has(name),
    append(name: string, update: Uint8Array): Promise<void> {
      if (options.measureBatches && batch === null) {
        const created: Batch = { started: performance.now(), bytes: 0, writes: [], failedDocs: new Set() };
        batch = created;
        setImmediate(() => closeBatch(created));
      }
      const current = batch;
      const write = inner.append(name, update);
      if (current !== null) {
        current.bytes += update.byteLength;
        current.writes.push(write);
      }
      write.catch((error: unknown) => {
        if (current?.failedDocs.has(name)) return;
        current?.failedDocs.add(name);
        observer.error({ docName: name, code: ErrorCodes.STORE_FAILED, operation: 'store-write', cause: error });
      });
      return write;
    },
    delete: (name) => inner.delete(name),
    list: (): Promise<StoredDocumentInfo[]> => inner.list(),
    health(): StoreHealth {
      if (!accepting) return { accepting: false, reason: 'closed', detail: 'The store is closed.' };
      return inner.health?.() ?? { accepting: true };
    },
    close() {
      accepting = false;
      return inner.close();
    },
  };
}
