import * as Y from 'yjs';
import { QuireProvider, type QuireProviderOptions } from '../../client/index.js';

export interface TestClient {
  doc: Y.Doc;
  provider: QuireProvider;
}

/** A headless client: a fresh Y.Doc and a provider. Destroy with `destroyClients`. */
export function connectClient(url: string, docName: string, options: QuireProviderOptions = {}): TestClient {
  const doc = new Y.Doc();
  const provider = new QuireProvider(url, docName, doc, options);
  return { doc, provider };
}

export async function connectSynced(url: string, docName: string, options: QuireProviderOptions = {}): Promise<TestClient> {
  const client = connectClient(url, docName, options);
  await client.provider.whenSynced();
  return client;
}

export function destroyClients(clients: readonly TestClient[]): void {
  for (const { provider, doc } of clients) {
    provider.destroy();
    doc.destroy();
  }
}
