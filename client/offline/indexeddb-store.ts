/**
 * Offline store for browsers, on IndexedDB: a tab closed while offline loses nothing.
 *
 * One database (default name 'quire-offline') for every document:
 * - 'updates': auto-increment keys, values { doc, update }, index 'doc' — document updates;
 * - 'pending': keys [doc, session, seq], values { doc, session, seq, update } — unacknowledged
 *   local updates of each provider session.
 * A write is one readwrite transaction over both, so the document and the queue never disagree.
 * Several tabs may write the same document: IndexedDB runs their transactions one at a time, and
 * compaction reads, merges and replaces a document's records inside one transaction, so it keeps
 * what other tabs stored.
 */
import createDebug from 'debug';
import { OfflineStoreProblem, compactionFailed } from './problems.js';
import { DocumentRecords, changesBytes } from './records.js';
import { KeyedSerial } from './serial.js';
import type { OfflineChanges, OfflineStore, OfflineWriteResult, StoredDocument, StoredPending } from './types.js';

const debug = createDebug('quire:client:offline:indexeddb');

const UPDATES = 'updates';
const PENDING = 'pending';
const SCHEMA_VERSION = 1;

export interface IndexedDbOfflineStoreOptions {
  /** Database name. Default 'quire-offline'. */
  name?: string;
  /**
   * Transaction durability: 'strict' waits for the disk (survives an OS crash), 'relaxed' for the
   * browser's own write (survives a closed tab or a browser crash). Default: the browser's default.
   */
  durability?: IDBTransactionDurability;
  /** Merge a document's records once this many bytes were appended since the last merge. Default 1 MiB. */
  compactAfterBytes?: number;
}

interface UpdateRow {
  doc: string;
  update: Uint8Array;
}

interface PendingRow extends StoredPending {
  doc: string;
}

export class IndexedDbOfflineStore implements OfflineStore {
  readonly name: string;
  private readonly durability: IDBTransactionDurability;
  private readonly compactAfterBytes: number;
  private readonly serial = new KeyedSerial();
  private readonly appended = new Map<string, number>();
  private database: Promise<IDBDatabase> | null = null;
  private closed = false;

  constructor(options: IndexedDbOfflineStoreOptions = {}) {
    this.name = options.name ?? 'quire-offline';
    if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available in this environment');
    this.durability = options.durability ?? 'default';
    this.compactAfterBytes = options.compactAfterBytes ?? 1024 * 1024;
  }

  async load(docName: string): Promise<StoredDocument> {
    this.assertOpen();
    return this.serial.run(docName, async () => {
      const transaction = (await this.db()).transaction([UPDATES, PENDING], 'readonly');
      const [updates, pending] = await Promise.all([
        request<unknown[]>(transaction.objectStore(UPDATES).index('doc').getAll(docName)),
        request<unknown[]>(transaction.objectStore(PENDING).getAll(docRange(docName))),
      ]);
      const readable = readableRows(updates, pending);
      const stored: StoredDocument = {
        updates: readable.updates.map((row) => row.update),
        pending: readable.pending.map(({ session, seq, update }) => ({ session, seq, update })),
      };
      if (readable.skipped === 0) return stored;
      const message = `${readable.skipped} stored record(s) of "${docName}" in IndexedDB "${this.name}" were unreadable and skipped; ${updates.length + pending.length - readable.skipped} were kept`;
      debug('%s: %s', docName, message);
      return { ...stored, problems: [new OfflineStoreProblem('damaged-records', docName, message)] };
    });
  }

  async write(docName: string, changes: OfflineChanges): Promise<OfflineWriteResult> {
    this.assertOpen();
    // Structured clone copies the buffers when the rows are added, which happens synchronously
    // inside the transaction below; but the transaction starts later, so copy now.
    const updates = changes.updates.map((update) => update.slice());
    const pending = changes.pending.map((entry) => ({ doc: docName, ...entry, update: entry.update.slice() }));
    const acknowledged = [...changes.acknowledged];
    return this.serial.run(docName, async () => {
      const transaction = (await this.db()).transaction([UPDATES, PENDING], 'readwrite', { durability: this.durability });
      const updateRows = transaction.objectStore(UPDATES);
      const pendingRows = transaction.objectStore(PENDING);
      for (const update of updates) updateRows.add({ doc: docName, update } satisfies UpdateRow);
      for (const row of pending) pendingRows.put(row satisfies PendingRow);
      for (const { session, throughSeq } of acknowledged) {
        pendingRows.delete(IDBKeyRange.bound([docName, session, 0], [docName, session, throughSeq]));
      }
      // Every request is issued: commit now rather than when the browser notices the transaction
      // has nothing left to do, which shortens the window in which closing the tab loses it.
      transaction.commit?.();
      await completion(transaction);
      const appended = (this.appended.get(docName) ?? 0) + changesBytes(changes);
      this.appended.set(docName, appended);
      if (appended <= this.compactAfterBytes) return { problems: [] };
      // The write has committed: a failed merge must not make the caller add its rows again.
      try {
        await this.compact(docName);
        return { problems: [] };
      } catch (error) {
        debug('%s: compaction failed; the records stay as they are: %O', docName, error);
        this.appended.set(docName, 0);
        return { problems: [compactionFailed(docName, error)] };
      }
    });
  }

  async delete(docName: string): Promise<void> {
    this.assertOpen();
    return this.serial.run(docName, async () => {
      const transaction = (await this.db()).transaction([UPDATES, PENDING], 'readwrite', { durability: this.durability });
      await this.deleteRecords(transaction, docName);
      await completion(transaction);
      this.appended.delete(docName);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.serial.idle();
    if (this.database !== null) (await this.database.catch(() => null))?.close();
  }

  /** Reads, merges and replaces a document's records in one transaction. */
  private async compact(docName: string): Promise<void> {
    const transaction = (await this.db()).transaction([UPDATES, PENDING], 'readwrite', { durability: this.durability });
    const [updates, pending] = await Promise.all([
      request<unknown[]>(transaction.objectStore(UPDATES).index('doc').getAll(docName)),
      request<unknown[]>(transaction.objectStore(PENDING).getAll(docRange(docName))),
    ]);
    // Unreadable rows (reported by load) cannot be merged; the replacement leaves them out.
    const readable = readableRows(updates, pending);
    const records = DocumentRecords.from({ updates: readable.updates.map((row) => row.update), pending: readable.pending });
    records.compact();
    const merged = records.toStored();
    await this.deleteRecords(transaction, docName);
    for (const update of merged.updates) transaction.objectStore(UPDATES).add({ doc: docName, update } satisfies UpdateRow);
    for (const entry of merged.pending) transaction.objectStore(PENDING).put({ doc: docName, ...entry } satisfies PendingRow);
    transaction.commit?.();
    await completion(transaction);
    this.appended.set(docName, 0);
    debug('%s: compacted %d updates, %d pending records', docName, updates.length, pending.length);
  }

  private async deleteRecords(transaction: IDBTransaction, docName: string): Promise<void> {
    transaction.objectStore(PENDING).delete(docRange(docName));
    const keys = await request<IDBValidKey[]>(transaction.objectStore(UPDATES).index('doc').getAllKeys(docName));
    for (const key of keys) transaction.objectStore(UPDATES).delete(key);
  }

  private db(): Promise<IDBDatabase> {
    this.database ??= new Promise<IDBDatabase>((resolve, reject) => {
      const opening = indexedDB.open(this.name, SCHEMA_VERSION);
      opening.onupgradeneeded = () => {
        const db = opening.result;
        if (!db.objectStoreNames.contains(UPDATES)) {
          db.createObjectStore(UPDATES, { autoIncrement: true }).createIndex('doc', 'doc');
        }
        if (!db.objectStoreNames.contains(PENDING)) db.createObjectStore(PENDING, { keyPath: ['doc', 'session', 'seq'] });
      };
      opening.onsuccess = () => {
        const db = opening.result;
        // Another tab upgrading the schema: step aside instead of blocking it.
        db.onversionchange = () => {
          debug('database %s is being upgraded elsewhere; closing', this.name);
          db.close();
          this.database = null;
        };
        resolve(db);
      };
      opening.onerror = () => reject(opening.error ?? new Error(`cannot open IndexedDB ${this.name}`));
      opening.onblocked = () => debug('opening database %s is blocked by another tab', this.name);
    });
    this.database.catch(() => {
      this.database = null;
    });
    return this.database;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('offline store is closed');
  }
}

/** Every pending key of one document: [doc] sorts before [doc, …] and [doc, []] after all of them. */
function docRange(docName: string): IDBKeyRange {
  return IDBKeyRange.bound([docName], [docName, []]);
}

function request<T>(req: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function completion(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * The rows of one document that have the shape this store writes. Anything else (a damaged
 * database, another program's rows) is counted and left out, so it cannot cost the other records.
 */
function readableRows(updates: unknown[], pending: unknown[]): { updates: UpdateRow[]; pending: PendingRow[]; skipped: number } {
  const goodUpdates = updates.filter(isUpdateRow);
  const goodPending = pending.filter(isPendingRow);
  return { updates: goodUpdates, pending: goodPending, skipped: updates.length - goodUpdates.length + pending.length - goodPending.length };
}

function isUpdateRow(row: unknown): row is UpdateRow {
  return typeof row === 'object' && row !== null && (row as UpdateRow).update instanceof Uint8Array;
}

function isPendingRow(row: unknown): row is PendingRow {
  if (!isUpdateRow(row)) return false;
  const { session, seq } = row as unknown as PendingRow;
  return typeof session === 'string' && Number.isSafeInteger(seq) && seq >= 0;
}
