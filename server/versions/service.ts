/**
 * `server.versions`: version history of the server's documents — list, create, get, restore,
 * rename, delete, purge — on top of the store's version records (chain.ts) and the live
 * documents of the registry.
 *
 * Every change to one document's versions runs alone (VersionChain.exclusive), so a restore, an
 * automatic version and a rename never interleave. A version is taken from the live document
 * after its writes so far are durable, and written behind any append issued since: a version on
 * disk implies the content it covers is on disk.
 */
import createDebug from 'debug';
import * as Y from 'yjs';
import { ErrorCodes, QuireError } from '../../shared/errors.js';
import type { VersionCreatedEvent, VersionInfo, VersionRestoredEvent } from '../../shared/versions.js';
import type { QuireDocument } from '../core/document.js';
import type { DocumentRegistry } from '../core/registry.js';
import { TokenBucket } from '../limits/token-bucket.js';
import type { DocumentStore } from '../persistence/types.js';
import { type NewVersion, VersionChain, publicInfo } from './chain.js';
import type { ResolvedVersionOptions } from './options.js';
import { versionsToRemove } from './retention.js';
import { RevertRunner } from './revert-runner.js';
import { rootKinds } from './revert.js';
import type { VersionRecord } from './types.js';

const debug = createDebug('quire:server:versions');

export interface RestoreOptions {
  /** Roots to bring back; default the server's `versions.restoreRoots` (['default']). */
  roots?: string[];
  /** Recorded as the author of the restore version. */
  by?: string;
}

export interface RestoreResult {
  /** The document just before the restore; restoring it undoes the restore. */
  backup: VersionInfo;
  /** The document just after it. */
  restore: VersionInfo;
  /** False when the roots already equalled the version (nothing was applied). */
  changed: boolean;
}

/** The public version API: `server.versions`. */
export interface ServerVersions {
  list(docName: string): Promise<VersionInfo[]>;
  /** A version of the document as it is now, requested by a person (kind `named`). */
  create(docName: string, options?: { name?: string | null; by?: string }): Promise<VersionInfo>;
  /** The version's full state as one Yjs update. */
  get(docName: string, id: number): Promise<Uint8Array>;
  restore(docName: string, id: number, options?: RestoreOptions): Promise<RestoreResult>;
  rename(docName: string, id: number, name: string | null): Promise<VersionInfo>;
  delete(docName: string, id: number): Promise<void>;
  /**
   * Deletes every version of the document and starts its history afresh with one version of
   * the current state: content deleted from the document disappears from its history too.
   */
  purge(docName: string): Promise<VersionInfo | null>;
  /** Applies retention now (it also runs after every automatic version). Resolves with how many went. */
  prune(docName: string, now?: number): Promise<number>;
}

export type VersionNotify = {
  (docName: string, event: 'version-created', payload: VersionCreatedEvent): void;
  (docName: string, event: 'version-restored', payload: VersionRestoredEvent): void;
};

export class VersionService implements ServerVersions {
  private readonly chain: VersionChain | null;
  private readonly authors = new Map<string, Set<string>>();
  private readonly restoring = new Set<string>();
  private readonly clientWrites = new Map<string, TokenBucket>();
  private readonly reverts: RevertRunner;

  constructor(
    store: DocumentStore,
    private readonly registry: DocumentRegistry,
    readonly options: ResolvedVersionOptions,
    private readonly notify: VersionNotify,
  ) {
    this.chain = store.versions === undefined ? null : new VersionChain(store.versions);
    this.reverts = new RevertRunner(options.workerThresholdBytes);
  }

  get available(): boolean {
    return this.chain !== null;
  }

  /** Records that `author`'s update was applied to the document (for the next version's authors). */
  noteAuthor(docName: string, author: string): void {
    let set = this.authors.get(docName);
    if (set === undefined) this.authors.set(docName, (set = new Set()));
    set.add(author);
  }

  async list(docName: string): Promise<VersionInfo[]> {
    const chain = this.requireChain();
    return (await readingVersions(docName, () => chain.list(docName))).map(publicInfo);
  }

  async create(docName: string, options: { name?: string | null; by?: string } = {}): Promise<VersionInfo> {
    // Named versions stay until deleted: past the cap, retention makes room or the request fails.
    if ((await this.list(docName)).length >= this.options.retention.maxVersions) {
      await this.prune(docName);
      if ((await this.list(docName)).length >= this.options.retention.maxVersions) throw new QuireError(ErrorCodes.VERSION_LIMIT);
    }
    const record = await this.take(docName, { kind: 'named', name: options.name ?? null, restoreOf: null }, { by: options.by });
    if (record === null) throw new QuireError(ErrorCodes.DOCUMENT_NOT_FOUND);
    return publicInfo(record);
  }

  /** An automatic version, when the content changed since the latest version. */
  async createAutomatic(docName: string): Promise<VersionInfo | null> {
    if (this.chain === null) return null;
    const record = await this.take(docName, { kind: 'auto', name: null, restoreOf: null }, { onlyIfChanged: true, mustExist: false });
    return record === null ? null : publicInfo(record);
  }

  async get(docName: string, id: number): Promise<Uint8Array> {
    const chain = this.requireChain();
    const state = await readingVersions(docName, () => chain.read(docName, id));
    if (state === null) throw new QuireError(ErrorCodes.VERSION_NOT_FOUND);
    return state;
  }

  async restore(docName: string, id: number, options: RestoreOptions = {}): Promise<RestoreResult> {
    const chain = this.requireChain();
    if (this.restoring.has(docName)) throw new QuireError(ErrorCodes.RESTORE_IN_PROGRESS);
    this.restoring.add(docName);
    try {
      const roots = options.roots ?? this.options.restoreRoots;
      const ref = await this.registry.acquire(docName);
      const document = ref.doc;
      try {
        await document.whenDurable();
        return await chain.exclusive(docName, async () => {
          if ((await this.registry.peek(docName)) !== document) throw new QuireError(ErrorCodes.DOCUMENT_NOT_FOUND);
          const target = await readingVersions(docName, () => chain.read(docName, id));
          if (target === null) throw new QuireError(ErrorCodes.VERSION_NOT_FOUND);
          // 1. The live state, kept as a version before anything changes: "undo restore" restores it.
          const backup = await this.add(chain, document, { kind: 'backup', name: null, restoreOf: id }, undefined);
          // 2. One revert update, applied like any edit: stored, acknowledged, broadcast.
          const revert = await this.reverts.compute({
            target,
            live: Y.encodeStateAsUpdate(document.ydoc),
            roots,
            liveKinds: rootKinds(document.ydoc, roots),
          });
          if (revert !== null) await document.applyServerUpdate(revert);
          // 3. The result, marked as a restore.
          const restore = await this.add(chain, document, { kind: 'restore', name: null, restoreOf: id }, options.by);
          debug(
            '%s: restored version %d (roots %s, %s)',
            docName,
            id,
            roots.join(','),
            revert === null ? 'no change' : `${revert.byteLength} bytes`,
          );
          const result = { backup: publicInfo(backup), restore: publicInfo(restore), changed: revert !== null };
          this.notify(docName, 'version-restored', { restoredId: id, backup: result.backup, restore: result.restore });
          return result;
        });
      } finally {
        ref.release();
      }
    } finally {
      this.restoring.delete(docName);
    }
  }

  async rename(docName: string, id: number, name: string | null): Promise<VersionInfo> {
    const chain = this.requireChain();
    const renamed = await chain.exclusive(docName, () => chain.rename(docName, id, name));
    if (renamed === null) throw new QuireError(ErrorCodes.VERSION_NOT_FOUND);
    return publicInfo(renamed);
  }

  async delete(docName: string, id: number): Promise<void> {
    const chain = this.requireChain();
    const removed = await chain.exclusive(docName, () => chain.remove(docName, [id]));
    if (removed === 0) throw new QuireError(ErrorCodes.VERSION_NOT_FOUND);
  }

  /** Applies retention (retention.ts) to the document's versions; resolves with how many went. */
  async prune(docName: string, now = Date.now()): Promise<number> {
    const chain = this.requireChain();
    return chain.exclusive(docName, async () => {
      const doomed = versionsToRemove((await chain.list(docName)).map(publicInfo), now, this.options.retention);
      if (doomed.length > 0) debug('%s: retention removes %d versions', docName, doomed.length);
      return chain.remove(docName, doomed);
    });
  }

  async purge(docName: string): Promise<VersionInfo | null> {
    const chain = this.requireChain();
    await chain.exclusive(docName, () => chain.removeAll(docName));
    this.authors.delete(docName);
    const record = await this.take(docName, { kind: 'auto', name: null, restoreOf: null }, { mustExist: false });
    return record === null ? null : publicInfo(record);
  }

  /** Runs `job` with the document's versions to itself (deleting a document). */
  exclusive<T>(docName: string, job: () => Promise<T>): Promise<T> {
    return this.chain === null ? job() : this.chain.exclusive(docName, job);
  }

  /** Forgets what it knew about a deleted document. */
  forget(docName: string): void {
    this.authors.delete(docName);
    this.clientWrites.delete(docName);
  }

  /** Takes one of the document's client write tokens (create, restore); false when none is left. */
  allowClientWrite(docName: string): boolean {
    let bucket = this.clientWrites.get(docName);
    if (bucket === undefined) {
      // Full buckets carry no information: drop them before the map grows with every document.
      if (this.clientWrites.size >= 10_000) {
        for (const [name, held] of this.clientWrites) if (held.available >= this.options.clientWrites.burst) this.clientWrites.delete(name);
      }
      bucket = new TokenBucket(this.options.clientWrites);
      this.clientWrites.set(docName, bucket);
    }
    return bucket.take();
  }

  async close(): Promise<void> {
    await this.reverts.close();
  }

  private async take(
    docName: string,
    fields: Omit<NewVersion, 'authors'>,
    { onlyIfChanged = false, mustExist = true, by }: { onlyIfChanged?: boolean; mustExist?: boolean; by?: string },
  ): Promise<VersionRecord | null> {
    const chain = this.requireChain();
    // A document someone has open exists even while empty; one nobody has open exists if stored.
    const open = this.registry.isLoaded(docName);
    const ref = await this.registry.acquire(docName);
    const document = ref.doc;
    try {
      if (document.ydoc.store.clients.size === 0 && (mustExist ? !open : true)) {
        if (mustExist) throw new QuireError(ErrorCodes.DOCUMENT_NOT_FOUND);
        return null;
      }
      await document.whenDurable();
      return await chain.exclusive(docName, async () => {
        // Deleted (and unloaded) while this waited for the lock: nothing to keep.
        if ((await this.registry.peek(docName)) !== document) return null;
        if (onlyIfChanged) {
          const latest = (await readingVersions(docName, () => chain.list(docName))).at(-1);
          if (latest !== undefined && Y.equalSnapshots(Y.decodeSnapshot(latest.snapshot), Y.snapshot(document.ydoc))) return null;
        }
        return this.add(chain, document, fields, by);
      });
    } finally {
      ref.release();
    }
  }

  /** Writes a version of the live document now. Call inside `exclusive`. */
  private async add(
    chain: VersionChain,
    document: QuireDocument,
    fields: Omit<NewVersion, 'authors'>,
    by: string | undefined,
  ): Promise<VersionRecord> {
    const docName = document.name;
    const noted = this.authors.get(docName) ?? new Set<string>();
    this.authors.delete(docName);
    const authors = [...noted];
    if (by !== undefined && !noted.has(by)) authors.push(by);
    let record: VersionRecord;
    try {
      record = await chain.add(docName, Y.encodeStateAsUpdate(document.ydoc), Y.encodeSnapshot(Y.snapshot(document.ydoc)), {
        ...fields,
        authors,
      });
    } catch (error) {
      // Not written: the authors belong to the next version.
      for (const author of noted) this.noteAuthor(docName, author);
      debug('%s: writing a %s version failed: %O', docName, fields.kind, error);
      throw new QuireError(ErrorCodes.STORE_FAILED, 'The version could not be stored.');
    }
    this.notify(docName, 'version-created', { version: publicInfo(record) });
    return record;
  }

  private requireChain(): VersionChain {
    if (this.chain === null) throw new QuireError(ErrorCodes.VERSIONS_UNAVAILABLE);
    return this.chain;
  }
}

/**
 * Store failures reading versions (a damaged record, say) reach callers as LOAD_FAILED with a
 * safe message; the document itself is unaffected. `purge` is the way out of damaged history.
 */
async function readingVersions<T>(docName: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof QuireError) throw error;
    debug('%s: reading versions failed: %O', docName, error);
    throw new QuireError(ErrorCodes.LOAD_FAILED, 'The versions of this document could not be read.');
  }
}
