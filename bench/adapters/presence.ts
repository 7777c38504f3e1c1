/** Awareness construction shared by the adapters: the same presence behaviour for every peer. */
import type * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';

export function createAwareness(doc: Y.Doc, noPresence: boolean | undefined): Awareness {
  const awareness = new Awareness(doc);
  // An Awareness starts with local state {}; an idle client announces nothing at all.
  if (noPresence === true) awareness.setLocalState(null);
  return awareness;
}

export function toWebSocketUrl(serverUrl: string): string {
  return serverUrl.replace(/^http/, 'ws');
}
