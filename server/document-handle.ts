import type * as Y from 'yjs';
import type { DocumentRegistry } from './core/registry.js';

/** A server-side reference to a document. Changes made to `doc` reach clients and the store. */
export interface DocumentHandle {
  readonly name: string;
  readonly doc: Y.Doc;
  /** Resolves once every change so far is durable. */
  whenDurable(): Promise<void>;
  /**
   * Applies an encoded Yjs update (reaches clients and the store) and resolves once it is durable.
   * Throws a QuireError with MALFORMED_UPDATE when the bytes are not a valid update.
   */
  applyUpdate(update: Uint8Array): Promise<void>;
  /** Gives the reference back (the document unloads after the grace period). Idempotent. */
  release(): Promise<void>;
}

export async function openDocumentHandle(registry: DocumentRegistry, name: string): Promise<DocumentHandle> {
  const ref = await registry.acquire(name);
  const document = ref.doc;
  let released = false;
  return {
    name,
    doc: document.ydoc,
    whenDurable: () => document.whenDurable(),
    applyUpdate: (update) => document.applyServerUpdate(update),
    async release() {
      if (released) return;
      released = true;
      document.flushBroadcasts();
      try {
        await document.whenDurable();
      } finally {
        ref.release();
      }
    },
  };
}
