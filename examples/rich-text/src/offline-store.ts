/**
 * The seam for keeping a document and its unsent edits between page loads.
 *
 * The IndexedDB offline store (document + pending queue, surviving a reload while offline) is
 * built in the client package; when it lands, return it here, e.g.
 * `{ offlineStore: new IndexedDbOfflineStore(docName) }`, and the editor passes it to
 * QuireProvider. Until then the provider keeps pending edits in memory: edits made offline
 * survive reconnects, not a reload of the tab.
 */
import type { QuireProviderOptions } from 'quire/client';

export function offlineOptions(_docName: string): QuireProviderOptions {
  return {};
}
