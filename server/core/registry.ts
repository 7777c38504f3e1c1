/**
 * Loads, shares and unloads documents.
 *
 * One load per document, however many clients join while it runs; nobody gets the document before
 * the stored state is applied; a failed load is forgotten (never served as an empty document) so the
 * next request tries again. After the last holder releases it, the document stays loaded for a grace
 * period (a reconnect reuses it), then its writes are flushed and it is unloaded.
 */
import createDebug from 'debug';
import { ErrorCodes, QuireError } from '../../shared/errors.js';
import type { DocumentStore } from '../persistence/types.js';
import { type DocumentLimits, QuireDocument, defaultDocumentLimits } from './document.js';
import type { DocumentChannel } from './fan-out.js';
import { type CoreObserver, safeObserver } from './observer.js';

const debug = createDebug('quire:server:registry');

export interface RegistryOptions {
  store: DocumentStore;
  channelFor: (docName: string) => DocumentChannel;
  /** How long an unused document stays loaded. */
  unloadGraceMs: number;
  limits?: DocumentLimits;
  onUnload?: (docName: string) => void;
  /** Told about loads, unloads and load failures (metrics, logs). */
  observer?: CoreObserver;
}

interface Entry {
  refs: number;
  loaded: Promise<QuireDocument>;
  unloadTimer: NodeJS.Timeout | null;
  unloading: boolean;
}

export class DocumentRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly observer: CoreObserver;

  constructor(private readonly options: RegistryOptions) {
    this.observer = options.observer ?? safeObserver();
  }

  /** Takes a reference to the document, loading it if needed. Release it with `release`. */
  async acquire(name: string): Promise<QuireDocument> {
    let entry = this.entries.get(name);
    if (entry === undefined) {
      entry = { refs: 0, loaded: this.load(name), unloadTimer: null, unloading: false };
      this.entries.set(name, entry);
      const created = entry;
      created.loaded.catch(() => {
        if (this.entries.get(name) === created) this.entries.delete(name);
      });
    }
    entry.refs++;
    if (entry.unloadTimer !== null) clearTimeout(entry.unloadTimer);
    entry.unloadTimer = null;
    try {
      return await entry.loaded;
    } catch (error) {
      entry.refs--;
      throw error;
    }
  }

  release(name: string): void {
    const entry = this.entries.get(name);
    if (entry === undefined || entry.refs === 0) return;
    entry.refs--;
    if (entry.refs > 0) return;
    entry.unloadTimer = setTimeout(() => void this.unload(name, entry), this.options.unloadGraceMs);
    entry.unloadTimer.unref?.();
  }

  /** The document if it is loaded, without taking a reference. */
  async peek(name: string): Promise<QuireDocument | null> {
    const entry = this.entries.get(name);
    return entry === undefined ? null : entry.loaded.catch(() => null);
  }

  get loadedCount(): number {
    return this.entries.size;
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
    if (entry !== undefined) await this.unload(name, entry, true);
  }

  /** Flushes and unloads every document, whoever holds it (server shutdown). */
  async closeAll(): Promise<void> {
    const names = [...this.entries.keys()];
    await Promise.all(names.map((name) => this.unload(name, this.entries.get(name)!, true)));
  }

  private async load(name: string): Promise<QuireDocument> {
    const started = Date.now();
    let updates: Uint8Array[];
    try {
      updates = await this.options.store.load(name);
    } catch (error) {
      debug('loading document %s failed: %O', name, error);
      this.observer.error({ docName: name, code: ErrorCodes.LOAD_FAILED, operation: 'load', cause: error });
      throw new QuireError(ErrorCodes.LOAD_FAILED);
    }
    const doc = new QuireDocument(name, this.options.store, this.options.channelFor(name), this.options.limits ?? defaultDocumentLimits);
    try {
      doc.applyStored(updates);
    } catch (error) {
      doc.destroy();
      debug('stored state of document %s could not be applied: %O', name, error);
      this.observer.error({ docName: name, code: ErrorCodes.LOAD_FAILED, operation: 'load', cause: error });
      throw new QuireError(ErrorCodes.LOAD_FAILED);
    }
    debug('loaded document %s (%d stored updates) in %d ms', name, updates.length, Date.now() - started);
    this.observer.documentLoaded({ docName: name, storedUpdates: updates.length, durationMs: Date.now() - started });
    return doc;
  }

  private async unload(name: string, entry: Entry, force = false): Promise<void> {
    if (entry.unloading || this.entries.get(name) !== entry) return;
    if (entry.refs > 0 && !force) return;
    entry.unloading = true;
    if (entry.unloadTimer !== null) clearTimeout(entry.unloadTimer);
    let doc: QuireDocument;
    try {
      doc = await entry.loaded;
    } catch {
      return; // a failed load already removed itself
    }
    doc.flushBroadcasts();
    try {
      await doc.whenDurable();
    } catch (error) {
      debug('flush before unloading document %s failed: %O', name, error);
      this.observer.error({ docName: name, code: ErrorCodes.STORE_FAILED, operation: 'unload', cause: error });
      entry.unloading = false;
      // Keep it loaded: its changes are only in memory. Try again after another grace period.
      if (!force && entry.refs === 0) {
        entry.unloadTimer = setTimeout(() => void this.unload(name, entry), this.options.unloadGraceMs);
        entry.unloadTimer.unref?.();
      }
      if (!force) return;
    }
    // Someone joined while we were flushing: keep the document.
    if (entry.refs > 0 && !force) {
      entry.unloading = false;
      return;
    }
    this.entries.delete(name);
    doc.destroy();
    debug('unloaded document %s', name);
    this.observer.documentUnloaded({ docName: name });
    this.options.onUnload?.(name);
  }
}
