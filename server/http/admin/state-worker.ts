/**
 * Worker thread of the admin API: turns a document's stored updates into one update, or into
 * JSON, off the event loop. A document's tail can hold thousands of updates; applying them all
 * takes as long as a client's load, and the admin API must not stall every client meanwhile.
 */
import { parentPort } from 'node:worker_threads';
import * as Y from 'yjs';
import { sharedTypesToJson } from './shared-types-json.js';

export interface StateJob {
  id: number;
  updates: Uint8Array[];
  want: 'update' | 'json';
}

export type StateResult = { id: number; ok: true; update?: Uint8Array; json?: unknown } | { id: number; ok: false; message: string };

/** Applies the updates to a scratch document and encodes it: the document's state, as a client would load it. */
function merge(updates: readonly Uint8Array[]): Uint8Array {
  if (updates.length === 1) return updates[0]!;
  const doc = new Y.Doc();
  try {
    doc.transact(() => {
      for (const update of updates) Y.applyUpdate(doc, update);
    });
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

parentPort?.on('message', ({ id, updates, want }: StateJob) => {
  let result: StateResult;
  try {
    const update = merge(updates);
    result = want === 'update' ? { id, ok: true, update } : { id, ok: true, json: sharedTypesToJson(update) };
  } catch (error) {
    result = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const transfer = result.ok && result.update !== undefined ? [result.update.buffer as ArrayBuffer] : [];
  parentPort!.postMessage(result, transfer);
});
