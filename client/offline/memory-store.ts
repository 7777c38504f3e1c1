/**
 * Keeps offline state in process memory. A provider without an offline store already keeps its
 * document and queue in memory for its own lifetime; share one MemoryOfflineStore between providers
 * to carry both across re-creating a provider in the same process (a route change, a test).
 */
import { compactionFailed } from './problems.js';
import { DocumentRecords, changesBytes, copyChanges } from './records.js';
import type { OfflineChanges, OfflineStore, OfflineWriteResult, StoredDocument } from './types.js';

export interface MemoryOfflineStoreOptions {
  /** Merge a document's records once this many bytes were appended since the last merge. Default 1 MiB. */
  compactAfterBytes?: number;
}

export class MemoryOfflineStore implements OfflineStore {
  private readonly documents = new Map<string, { records: DocumentRecords; appended: number }>();
  private readonly compactAfterBytes: number;
  private closed = false;

  constructor(options: MemoryOfflineStoreOptions = {}) {
    this.compactAfterBytes = options.compactAfterBytes ?? 1024 * 1024;
  }

  async load(docName: string): Promise<StoredDocument> {
    this.assertOpen();
    return this.documents.get(docName)?.records.toStored() ?? { updates: [], pending: [] };
  }

  async write(docName: string, changes: OfflineChanges): Promise<OfflineWriteResult> {
    this.assertOpen();
    let entry = this.documents.get(docName);
    if (entry === undefined) this.documents.set(docName, (entry = { records: new DocumentRecords(), appended: 0 }));
    entry.records.apply(copyChanges(changes));
    entry.appended += changesBytes(changes);
    if (entry.appended <= this.compactAfterBytes) return { problems: [] };
    entry.appended = 0;
    // The changes are applied: a failed merge (updates Yjs cannot read) is reported, not a failed write.
    try {
      entry.records.compact();
      return { problems: [] };
    } catch (error) {
      return { problems: [compactionFailed(docName, error)] };
    }
  }

  async delete(docName: string): Promise<void> {
    this.assertOpen();
    this.documents.delete(docName);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('offline store is closed');
  }
}
