import { MemoryVersionRecords } from '../versions/memory-version-records.js';
import type { DocumentStore, StoredDocumentInfo } from './types.js';

interface MemoryRecord {
  updates: Uint8Array[];
  bytes: number;
  updatedAt: number;
}

/** Keeps documents in process memory: the default for tests and embedding without disk. */
export class MemoryStore implements DocumentStore {
  private readonly documents = new Map<string, MemoryRecord>();
  private closed = false;
  readonly versions = new MemoryVersionRecords();

  async load(name: string): Promise<Uint8Array[]> {
    this.assertOpen();
    return [...(this.documents.get(name)?.updates ?? [])];
  }

  async append(name: string, update: Uint8Array): Promise<void> {
    this.assertOpen();
    let record = this.documents.get(name);
    if (record === undefined) {
      record = { updates: [], bytes: 0, updatedAt: 0 };
      this.documents.set(name, record);
    }
    // Copy: the caller's buffer may be a view into a larger, reused one.
    record.updates.push(update.slice());
    record.bytes += update.byteLength;
    record.updatedAt = Date.now();
  }

  async delete(name: string): Promise<void> {
    this.assertOpen();
    this.documents.delete(name);
    await this.versions.deleteAllVersions(name);
  }

  async list(): Promise<StoredDocumentInfo[]> {
    this.assertOpen();
    return [...this.documents].map(([name, record]) => ({
      name,
      bytes: record.bytes,
      updatedAt: record.updatedAt,
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}
