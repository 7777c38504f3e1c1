/**
 * Loads, shares and unloads documents.
 *
 * One load per document, however many clients join while it runs; nobody gets the document before
 * the stored state is applied; a failed load is forgotten (never served as an empty document) so the
 * next request tries again. After the last holder releases it, the document stays loaded for a grace
 * period (a reconnect reuses it), then its writes are flushed and it is unloaded.
 *
 * Holders get a reference to one registry entry and release that entry, never "the document of this
 * name": a newer entry of the same name (after an unload) is not theirs to decrement. A forced unload
 * (deletion, shutdown) closes the entry at once: joiners arriving meanwhile wait until it is gone and
 * get a fresh load, never the dying document.
 */
import createDebug from 'debug';
import { ErrorCodes, QuireError } from '../../shared/errors.js';
import type { DocumentStore } from '../persistence/types.js';
import { type StoredOwners, loadOwners } from './client-id-owners.js';
import { type DocumentLimits, QuireDocument, defaultDocumentLimits } from './document.js';
import type { DocumentChannel } from './fan-out.js';
import { type CoreObserver, safeObserver } from './observer.js';
import { type LoadCeilings, LoadGate, unlimitedLoads } from './load-gate.js';

const debug = createDebug('quire:server:registry');

export interface RegistryOptions {
  store: DocumentStore;
  channelFor: (docName: string) => DocumentChannel;
  /** How long an unused document stays loaded. */
  unloadGraceMs: number;
  limits?: DocumentLimits;
  /** Server-wide ceilings on what is loaded at once. */
  ceilings?: LoadCeilings;
  onUnload?: (docName: string) => void;
  /** A loaded document was left unusable and is being unloaded: disconnect its clients. */
  onBroken?: (docName: string) => void;
  /** Told about loads, unloads and load failures (metrics, logs). */
  observer?: CoreObserver;
}

/** A holder's reference to one loaded document. */
export interface DocumentRef {
  readonly doc: QuireDocument;
  /** Gives this reference back; idempotent. */
  release(): void;
}

interface Entry {
  name: string;
  refs: number;
  loaded: Promise<QuireDocument>;
  unloadTimer: NodeJS.Timeout | null;
  unloading: boolean;
  /** Set while a forced unload runs: the entry is closed to new holders. */
  dying: Promise<void> | null;
}

export class DocumentRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Documents whose stored records are being removed: nobody loads them until that is done. */
  private readonly removals = new Map<string, Promise<void>>();
  private readonly observer: CoreObserver;
  private readonly gate: LoadGate;
  private closed = false;

  constructor(private readonly options: RegistryOptions) {
    this.observer = options.observer ?? safeObserver();
    this.gate = new LoadGate(options.ceilings ?? unlimitedLoads);
  }

  /** Takes a reference to the document, loading it if needed. */
  async acquire(name: string): Promise<DocumentRef> {
    for (;;) {
      if (this.closed) throw new QuireError(ErrorCodes.SHUTTING_DOWN);
      // A load now could read the records being removed, and serve what the store no longer holds.
      const removal = this.removals.get(name);
      if (removal !== undefined) {
        await removal.catch(() => {});
        continue;
      }
      const existing = this.entries.get(name);
      // A document being deleted or shut down is not handed out: wait until it is gone.
      if (existing?.dying != null) {
        await existing.dying;
        continue;
      }
      const entry = existing ?? this.createEntry(name);
      entry.refs++;
      if (entry.unloadTimer !== null) clearTimeout(entry.unloadTimer);
      entry.unloadTimer = null;
      let doc: QuireDocument;
      try {
        doc = await entry.loaded;
      } catch (error) {
        entry.refs--;
        throw error;
      }
      // Force-unloaded while we waited for the load: start over with a fresh entry.
      if (entry.dying !== null) {
        entry.refs--;
        continue;
      }
      return this.refTo(entry, doc);
    }
  }

  /** The document if it is loaded, without taking a reference. */
  async peek(name: string): Promise<QuireDocument | null> {
    const entry = this.entries.get(name);
    return entry === undefined ? null : entry.loaded.catch(() => null);
  }

  get loadedCount(): number {
    return this.entries.size;
  }

  /** Encoded bytes of the loaded documents, as the load ceiling counts them. */
  get loadedBytes(): number {
    return this.gate.bytes;
  }

  isLoaded(name: string): boolean {
    return this.entries.has(name);
  }

  /**
   * Drops a document without keeping its in-memory state (it is being deleted): waits for the writes
   * already issued, so none lands after the caller deletes the stored records, then unloads it
   * whoever holds it. Callers disconnect its clients first.
   */
  async evict(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (entry !== undefined) await this.forceUnload(entry);
  }

  /**
   * Deletes a document: unloads it as `evict` does, then runs `removeStored`, and nobody gets the
   * document until both are done (a joiner then loads what is left: nothing). Callers disconnect
   * its clients first.
   */
  async remove(name: string, removeStored: () => Promise<void>): Promise<void> {
    const removal = this.evict(name).then(removeStored);
    this.removals.set(name, removal);
    try {
      await removal;
    } finally {
      if (this.removals.get(name) === removal) this.removals.delete(name);
    }
  }

  /** Flushes and unloads every document, whoever holds it, and refuses new holders (shutdown). */
  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.entries.values()].map((entry) => this.forceUnload(entry, { compact: true })));
  }

  private createEntry(name: string): Entry {
    const entry: Entry = { name, refs: 0, loaded: this.load(name), unloadTimer: null, unloading: false, dying: null };
    this.entries.set(name, entry);
    entry.loaded.catch(() => {
      if (this.entries.get(name) === entry) this.entries.delete(name);
    });
    return entry;
  }

  /** A loaded document became unusable: its connections go (they reconnect to a fresh load), and so does it. */
  private documentBroke(name: string): void {
    debug('document %s was left unusable by a failed update: unloading it', name);
    this.observer.error({
      docName: name,
      code: ErrorCodes.DOCUMENT_CLOSED,
      operation: 'update',
      cause: new Error('Y.Doc left mid-transaction'),
    });
    const entry = this.entries.get(name);
    // After this turn, so that the refusal of the update that broke it reaches its sender first.
    setImmediate(() => {
      this.options.onBroken?.(name);
      if (entry !== undefined) void this.forceUnload(entry);
    });
  }

  private refTo(entry: Entry, doc: QuireDocument): DocumentRef {
    let released = false;
    return {
      doc,
      release: () => {
        if (released) return;
        released = true;
        entry.refs--;
        if (entry.refs > 0 || entry.dying !== null || this.entries.get(entry.name) !== entry) return;
        entry.unloadTimer = setTimeout(() => void this.unload(entry), this.options.unloadGraceMs);
        entry.unloadTimer.unref?.();
      },
    };
  }

  private async load(name: string): Promise<QuireDocument> {
    const started = Date.now();
    // Over a ceiling, idle documents (in their grace period) make room first.
    await this.gate.admit(() => this.unloadIdle());
    let updates: Uint8Array[];
    let owners: StoredOwners;
    try {
      [updates, owners] = await Promise.all([this.options.store.load(name), loadOwners(this.options.store, name)]);
    } catch (error) {
      this.gate.forget();
      debug('loading document %s failed: %O', name, error);
      this.observer.error({ docName: name, code: ErrorCodes.LOAD_FAILED, operation: 'load', cause: error });
      throw new QuireError(ErrorCodes.LOAD_FAILED);
    }
    const doc = new QuireDocument(
      name,
      this.options.store,
      this.options.channelFor(name),
      this.options.limits ?? defaultDocumentLimits,
      () => this.documentBroke(name),
    );
    try {
      doc.applyStored(updates);
      doc.applyStoredOwners(owners);
    } catch (error) {
      this.gate.forget();
      doc.destroy();
      debug('stored state of document %s could not be applied: %O', name, error);
      this.observer.error({ docName: name, code: ErrorCodes.LOAD_FAILED, operation: 'load', cause: error });
      throw new QuireError(ErrorCodes.LOAD_FAILED);
    }
    this.gate.loaded(doc);
    debug('loaded document %s (%d stored updates) in %d ms', name, updates.length, Date.now() - started);
    this.observer.documentLoaded({ docName: name, storedUpdates: updates.length, durationMs: Date.now() - started });
    return doc;
  }

  /** Unloads documents nobody holds (in their grace period) at once; returns how many. */
  private async unloadIdle(): Promise<number> {
    const idle = [...this.entries.values()].filter((entry) => entry.refs === 0 && !entry.unloading && entry.dying === null);
    await Promise.all(idle.map((entry) => this.unload(entry)));
    return idle.length;
  }

  /** `compact`: the document is kept (a shutdown), not deleted or broken: compact it on the way out. */
  private forceUnload(entry: Entry, { compact = false } = {}): Promise<void> {
    entry.dying ??= this.closeEntry(entry, compact);
    return entry.dying;
  }

  /** Closes an entry whoever holds it: nothing more is applied, what was is flushed. */
  private async closeEntry(entry: Entry, compact: boolean): Promise<void> {
    if (entry.unloadTimer !== null) clearTimeout(entry.unloadTimer);
    entry.unloadTimer = null;
    let doc: QuireDocument;
    try {
      doc = await entry.loaded;
    } catch {
      return; // a failed load already removed itself
    }
    doc.close();
    if ((await this.flushed(entry, doc)) && compact) await this.compactBeforeUnload(entry.name);
    this.drop(entry, doc);
  }

  /** Lets the store compact the document from its loaded copy, before that copy goes. */
  private async compactBeforeUnload(name: string): Promise<void> {
    try {
      await this.options.store.compactBeforeUnload?.(name);
    } catch (error) {
      debug('compacting document %s before unloading it failed (its records stay as they are): %O', name, error);
    }
  }

  /** Waits for the document's changes to be durable; reports and answers false when they are not. */
  private async flushed(entry: Entry, doc: QuireDocument): Promise<boolean> {
    try {
      await doc.whenDurable();
      return true;
    } catch (error) {
      debug('flush before unloading document %s failed: %O', entry.name, error);
      this.observer.error({ docName: entry.name, code: ErrorCodes.STORE_FAILED, operation: 'unload', cause: error });
      return false;
    }
  }

  private async unload(entry: Entry): Promise<void> {
    if (entry.unloading || entry.dying !== null || this.entries.get(entry.name) !== entry || entry.refs > 0) return;
    entry.unloading = true;
    if (entry.unloadTimer !== null) clearTimeout(entry.unloadTimer);
    entry.unloadTimer = null;
    let doc: QuireDocument;
    try {
      doc = await entry.loaded;
    } catch {
      return; // a failed load already removed itself
    }
    doc.flushBroadcasts();
    if (!(await this.flushed(entry, doc))) {
      entry.unloading = false;
      // Keep it loaded: its changes are only in memory. Try again after another grace period.
      if (entry.refs === 0 && entry.dying === null) {
        entry.unloadTimer = setTimeout(() => void this.unload(entry), this.options.unloadGraceMs);
        entry.unloadTimer.unref?.();
      }
      return;
    }
    if (entry.refs === 0 && entry.dying === null) await this.compactBeforeUnload(entry.name);
    entry.unloading = false;
    // Someone joined while we were flushing or compacting, or a forced unload took over: not ours to drop.
    if (entry.refs > 0 || entry.dying !== null) return;
    this.drop(entry, doc);
  }

  private drop(entry: Entry, doc: QuireDocument): void {
    if (this.entries.get(entry.name) === entry) this.entries.delete(entry.name);
    this.gate.unloaded(doc);
    doc.destroy();
    debug('unloaded document %s', entry.name);
    this.observer.documentUnloaded({ docName: entry.name });
    this.options.onUnload?.(entry.name);
  }
}
