import type * as Y from 'yjs';
import type { DocumentRegistry } from './core/registry.js';

/** A server-side reference to a document. Changes made to `doc` reach clients and the store. */
export interface DocumentHandle {
  readonly name: string;
  readonly doc: Y.Doc;
  /** Resolves once every change so far is durable. */
  whenDurable(): Promise<void>;
  /** Gives the reference back (the document unloads after the grace period). Idempotent. */
  release(): Promise<void>;
}

export async function openDocumentHandle(registry: DocumentRegistry, name: string): Promise<DocumentHandle> {
  const document = await registry.acquire(name);
  let released = false;
  return {
    name,
    doc: document.ydoc,
    whenDurable: () => document.whenDurable(),
    async release() {
      if (released) return;
      released = true;
      document.flushBroadcasts();
      try {
        await document.whenDurable();
      } finally {
        registry.release(name);
      }
    },
  };
}
