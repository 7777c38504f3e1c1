/**
 * Keyframes and deltas: how a document's versions are encoded on top of a VersionRecordStore.
 *
 * Version k's payload is either its whole state (keyframe) or `Y.diffUpdate(state_k, sv_{k-1})`
 * with its delete set trimmed to what was deleted since version k-1 (delta.ts). The live document only ever
 * grows (a restore is a forward change), so state_{k-1} is contained in state_k and
 * `mergeUpdates([keyframe, delta…])` rebuilds state_k. A new version is a keyframe when the
 * deltas since the last keyframe, with it, would outgrow the full state: rebuilding then reads at
 * most about two full states' worth of bytes.
 *
 * Removing version k folds its payload into version k+1 (a delta after a keyframe becomes a
 * keyframe, two deltas merge into one), in the same atomic change as the removal, so the chain
 * is whole after every write.
 */
import createDebug from 'debug';
import * as Y from 'yjs';
import { trimDeleteSet } from './delta.js';
import { DocLock } from './doc-lock.js';
import { VersionIdTakenError } from './version-id-taken.js';
import type { VersionChange, VersionInfo, VersionKind, VersionRecord, VersionRecordStore } from './types.js';

const debug = createDebug('quire:server:versions:chain');
const MAX_ADD_ATTEMPTS = 5;

export interface NewVersion {
  kind: VersionKind;
  name: string | null;
  authors: string[];
  restoreOf: number | null;
  createdAt?: number;
}

export function publicInfo(record: VersionRecord): VersionInfo {
  const { id, createdAt, kind, name, authors, restoreOf, storedBytes } = record;
  return { id, createdAt, kind, name, authors: [...authors], restoreOf, storedBytes };
}

export class VersionChain {
  private readonly lock = new DocLock();

  constructor(private readonly records: VersionRecordStore) {}

  /** Runs `job` with this document's versions to itself (no other change interleaves). */
  exclusive<T>(docName: string, job: () => Promise<T>): Promise<T> {
    return this.lock.run(docName, job);
  }

  /** Unlocked reads: a list is one consistent read of the records. */
  list(docName: string): Promise<VersionRecord[]> {
    return this.records.listVersions(docName);
  }

  /**
   * Stores `state` (a full-state update of the live document) as a new version. Call inside
   * `exclusive`. `snapshot` is Y.encodeSnapshot of the same state.
   */
  async add(docName: string, state: Uint8Array, snapshot: Uint8Array, fields: NewVersion): Promise<VersionRecord> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.addOnce(docName, state, snapshot, fields);
      } catch (error) {
        // Another server sharing the store took the id this one read as next: read again.
        if (!(error instanceof VersionIdTakenError) || attempt === MAX_ADD_ATTEMPTS) throw error;
        debug('%s: %s; retrying', docName, error.message);
      }
    }
  }

  private async addOnce(docName: string, state: Uint8Array, snapshot: Uint8Array, fields: NewVersion): Promise<VersionRecord> {
    const existing = await this.records.listVersions(docName);
    const previous = existing.at(-1);
    const id = Math.max((previous?.id ?? 0) + 1, 1);
    let payload = state;
    let kind: VersionRecord['payload'] = 'keyframe';
    if (previous !== undefined) {
      const delta = trimDeleteSet(Y.diffUpdate(state, Y.encodeStateVector(Y.decodeSnapshot(previous.snapshot).sv)), previous.snapshot);
      const chainBytes = deltasSinceKeyframe(existing) + delta.byteLength;
      if (chainBytes <= state.byteLength) {
        payload = delta;
        kind = 'delta';
      }
    }
    const record: VersionRecord = {
      id,
      createdAt: fields.createdAt ?? Date.now(),
      kind: fields.kind,
      name: fields.name,
      authors: [...fields.authors],
      restoreOf: fields.restoreOf,
      storedBytes: payload.byteLength,
      payload: kind,
      snapshot,
    };
    await this.records.commitVersions(docName, { put: [{ record, payload, isNew: true }], remove: [] });
    debug('%s: version %d (%s, %s, %d bytes)', docName, id, fields.kind, kind, payload.byteLength);
    return record;
  }

  /** The full state of a version as one update; null when there is no such version. */
  async read(docName: string, id: number): Promise<Uint8Array | null> {
    const versions = await this.records.listVersions(docName);
    const index = versions.findIndex((v) => v.id === id);
    if (index === -1) return null;
    let start = index;
    while (start > 0 && versions[start]!.payload === 'delta') start--;
    const ids = versions.slice(start, index + 1).map((v) => v.id);
    const payloads = await this.records.readVersionPayloads(docName, ids);
    return payloads.length === 1 ? payloads[0]! : Y.mergeUpdates(payloads);
  }

  /** Renames a version; null when there is none. Call inside `exclusive`. */
  async rename(docName: string, id: number, name: string | null): Promise<VersionRecord | null> {
    const versions = await this.records.listVersions(docName);
    const record = versions.find((v) => v.id === id);
    if (record === undefined) return null;
    const [payload] = await this.records.readVersionPayloads(docName, [id]);
    const renamed = { ...record, name };
    await this.records.commitVersions(docName, { put: [{ record: renamed, payload: payload! }], remove: [] });
    return renamed;
  }

  /**
   * Removes versions, folding each one's payload into its successor. Returns how many existed.
   * Call inside `exclusive`. Each removal is one atomic change.
   */
  async remove(docName: string, ids: readonly number[]): Promise<number> {
    let removed = 0;
    for (const id of ids) {
      const versions = await this.records.listVersions(docName);
      const index = versions.findIndex((v) => v.id === id);
      if (index === -1) continue;
      await this.records.commitVersions(docName, await this.removal(docName, versions, index));
      removed++;
    }
    return removed;
  }

  removeAll(docName: string): Promise<void> {
    return this.records.deleteAllVersions(docName);
  }

  private async removal(docName: string, versions: VersionRecord[], index: number): Promise<VersionChange> {
    const doomed = versions[index]!;
    const next = versions[index + 1];
    const change: VersionChange = { put: [], remove: [doomed.id] };
    if (next === undefined || next.payload === 'keyframe') return change;
    const [doomedPayload, nextPayload] = await this.records.readVersionPayloads(docName, [doomed.id, next.id]);
    const merged = Y.mergeUpdates([doomedPayload!, nextPayload!]);
    // A delta on a keyframe is a full state; two deltas are one delta from the version before both.
    const record: VersionRecord = { ...next, payload: doomed.payload, storedBytes: merged.byteLength };
    change.put.push({ record, payload: merged });
    return change;
  }
}

function deltasSinceKeyframe(versions: readonly VersionRecord[]): number {
  let bytes = 0;
  for (let i = versions.length - 1; i >= 0 && versions[i]!.payload === 'delta'; i--) bytes += versions[i]!.storedBytes;
  return bytes;
}
