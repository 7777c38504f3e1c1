import * as Y from 'yjs';
import type { LiveSnapshotSource } from '../types.js';

/**
 * The documents the server holds loaded, by name, with a way to encode each one's state.
 *
 * Why: merging a snapshot with its tail means building a scratch Y.Doc of the whole document,
 * every time the tail fills. For a large document that typed most of the server's CPU and, because
 * the scratch document lives long enough to be promoted, most of its heap (the automerge-paper
 * trace: 130 merges of a 311 KB snapshot). The loaded Y.Doc already holds that state; encoding
 * it costs a fraction and allocates only its output.
 */
export class LiveSnapshots {
  private readonly sources = new Map<string, LiveSnapshotSource>();

  /** Registers the loaded copy of `name`; the returned function unregisters exactly this one. */
  provide(name: string, source: LiveSnapshotSource): () => void {
    this.sources.set(name, source);
    return () => {
      if (this.sources.get(name) === source) this.sources.delete(name);
    };
  }

  /**
   * The live state of `name` when it is loaded and has integrated every struct of `tail`; null
   * otherwise, and the caller merges. The check catches an append that did not come through the
   * loaded copy, and a tail holding structs the document still holds back (their dependencies are
   * missing): merging keeps those exactly as stored.
   */
  snapshotCovering(name: string, tail: readonly Uint8Array[]): Uint8Array | null {
    const source = this.sources.get(name);
    if (source === undefined) return null;
    const snapshot = source();
    if (snapshot === null) return null;
    for (const update of tail) {
      for (const [client, clock] of Y.parseUpdateMeta(update).to) {
        if (snapshot.clockOf(client) < clock) return null;
      }
    }
    return snapshot.update;
  }
}
