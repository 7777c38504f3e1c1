import type { VersionChange, VersionRecord, VersionRecordStore } from './types.js';

interface Stored {
  record: VersionRecord;
  payload: Uint8Array;
}

/** Versions in process memory, for MemoryStore. Copies in and out, like a real store. */
export class MemoryVersionRecords implements VersionRecordStore {
  private readonly documents = new Map<string, Map<number, Stored>>();

  async listVersions(docName: string): Promise<VersionRecord[]> {
    const versions = this.documents.get(docName);
    if (versions === undefined) return [];
    return [...versions.values()].sort((a, b) => a.record.id - b.record.id).map(({ record }) => copyRecord(record));
  }

  async readVersionPayloads(docName: string, ids: readonly number[]): Promise<Uint8Array[]> {
    const versions = this.documents.get(docName);
    return ids.map((id) => {
      const stored = versions?.get(id);
      if (stored === undefined) throw new Error(`version ${id} of ${JSON.stringify(docName)} is missing`);
      return stored.payload.slice();
    });
  }

  async commitVersions(docName: string, change: VersionChange): Promise<void> {
    let versions = this.documents.get(docName);
    if (versions === undefined) {
      versions = new Map();
      this.documents.set(docName, versions);
    }
    for (const id of change.remove) versions.delete(id);
    for (const { record, payload } of change.put) versions.set(record.id, { record: copyRecord(record), payload: payload.slice() });
    if (versions.size === 0) this.documents.delete(docName);
  }

  async deleteAllVersions(docName: string): Promise<void> {
    this.documents.delete(docName);
  }
}

function copyRecord(record: VersionRecord): VersionRecord {
  return { ...record, authors: [...record.authors], snapshot: record.snapshot.slice() };
}
