/**
 * Bundled for the page of the browser test: a provider on an IndexedDB offline store, driven
 * from the test through `window.quireTest`.
 */
import * as Y from 'yjs';
import { IndexedDbOfflineStore, QuireProvider } from '../../../client/index.js';

interface PageClient {
  doc: Y.Doc;
  provider: QuireProvider;
  store: IndexedDbOfflineStore;
}

let client: PageClient | null = null;

const api = {
  async open(url: string, docName: string, databaseName: string): Promise<void> {
    const doc = new Y.Doc();
    const store = new IndexedDbOfflineStore({ name: databaseName });
    const provider = new QuireProvider(url, docName, doc, {
      offline: store,
      transports: ['websocket'],
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
    });
    client = { doc, provider, store };
    await provider.whenRestored();
  },
  append(text: string): void {
    const shared = client!.doc.getText('text');
    shared.insert(shared.length, text);
  },
  whenStored(): Promise<void> {
    return client!.provider.whenStored();
  },
  state() {
    return {
      text: client!.doc.getText('text').toString(),
      pendingCount: client!.provider.pendingCount,
      synced: client!.provider.synced,
      status: client!.provider.status,
    };
  },
};

(globalThis as unknown as { quireTest: typeof api }).quireTest = api;
