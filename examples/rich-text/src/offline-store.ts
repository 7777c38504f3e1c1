/**
 * Where the editor keeps documents and their unsent edits between page loads: one IndexedDB
 * database for the page, shared by every document it opens. With it, edits made offline survive
 * a reload or a closed tab and reach the server on the next connection. Browsers without
 * IndexedDB get the provider's default (memory: edits survive reconnects, not a reload).
 */
import { IndexedDbOfflineStore, type QuireProviderOptions } from 'y-quire/client';

const DATABASE_NAME = 'quire-editor';

let store: IndexedDbOfflineStore | null | undefined;

function offlineStore(): IndexedDbOfflineStore | null {
  if (store === undefined) {
    try {
      store = new IndexedDbOfflineStore({ name: DATABASE_NAME });
    } catch {
      store = null;
    }
  }
  return store;
}

export function offlineOptions(): QuireProviderOptions {
  const found = offlineStore();
  return found === null ? {} : { offline: found };
}

/** Whether unsent edits outlive this tab (the indicator and the unload guard depend on it). */
export function keepsEditsOnThisDevice(): boolean {
  return offlineStore() !== null;
}
