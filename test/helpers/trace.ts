import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type * as Y from 'yjs';

/** A recorded editing session: `txns[].patches[] = [position, deleteCount, insertText]`. */
export interface EditingTrace {
  txns: Array<{ patches: Array<[number, number, string]> }>;
  endContent: string;
}

const bundledTrace = new URL('./data/automerge-paper.json.gz', import.meta.url);

export function loadAutomergePaperTrace(): EditingTrace {
  return JSON.parse(gunzipSync(readFileSync(bundledTrace)).toString('utf8')) as EditingTrace;
}

/** Every patch of the trace, in order. */
export function* tracePatches(trace: EditingTrace): Generator<[number, number, string]> {
  for (const txn of trace.txns) yield* txn.patches;
}

/** Applies one patch to a Y.Text: each call is one Yjs transaction, i.e. one update. */
export function applyPatch(text: Y.Text, [position, deleteCount, insert]: [number, number, string]): void {
  const doc = text.doc!;
  doc.transact(() => {
    if (deleteCount > 0) text.delete(position, deleteCount);
    if (insert.length > 0) text.insert(position, insert);
  });
}
