/** Types an editing trace through one client: one transaction (one Yjs update) per edit. */
import type { BenchClient } from '../adapters/types.js';
import { applyEdit, type Trace } from './trace.js';
import { yieldToIo } from './wait.js';

export const TEXT = 't';
/** Edits per event-loop turn: lets the provider's socket write between chunks, as a fast typist would. */
const EDITS_PER_TURN = 200;

export async function typeTrace(client: BenchClient, trace: Trace): Promise<void> {
  const text = client.doc.getText(TEXT);
  if (trace.startContent.length > 0) text.insert(0, trace.startContent);
  for (let i = 0; i < trace.edits.length; i++) {
    client.doc.transact(() => applyEdit(text, trace.edits[i]!));
    if (i % EDITS_PER_TURN === EDITS_PER_TURN - 1) await yieldToIo();
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
