/** Types an editing trace through one client: one transaction (one Yjs update) per edit. */
import type { BenchClient } from '../adapters/types.js';
import { applyEdit, type Trace } from './trace.js';
import { yieldToIo } from './wait.js';

export const TEXT = 't';
/**
 * Every edit in its own event-loop turn, as keystrokes arrive as separate events. A provider that
 * coalesces the updates of one turn (quire's client does) would otherwise send a few hundred edits
 * as one message and the trace would measure that batching instead of the server.
 */
const EDITS_PER_TURN = 1;

export async function typeTrace(client: BenchClient, trace: Trace): Promise<void> {
  const text = client.doc.getText(TEXT);
  if (trace.startContent.length > 0) text.insert(0, trace.startContent);
  for (let i = 0; i < trace.edits.length; i++) {
    client.doc.transact(() => applyEdit(text, trace.edits[i]!));
    if ((i + 1) % EDITS_PER_TURN === 0) await yieldToIo();
  }
}

/** Resolves when the client's text equals `expected` (length compared first: toString is not free). */
export function whenTextEquals(client: BenchClient, expected: string): Promise<void> {
  const text = client.doc.getText(TEXT);
  const matches = (): boolean => text.length === expected.length && text.toString() === expected;
  if (matches()) return Promise.resolve();
  return new Promise((resolve) => {
    const onUpdate = (): void => {
      if (!matches()) return;
      client.doc.off('update', onUpdate);
      resolve();
    };
    client.doc.on('update', onUpdate);
  });
}
