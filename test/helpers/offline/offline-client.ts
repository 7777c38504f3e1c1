import * as Y from 'yjs';
import { QuireProvider, type QuireProviderOptions } from '../../../client/index.js';

/** Reconnects quickly, so a restarted server is found within a test's patience. */
export const fastReconnect: QuireProviderOptions = { reconnectionDelay: 50, reconnectionDelayMax: 200 };

export interface OfflineClient {
  doc: Y.Doc;
  provider: QuireProvider;
  /** How often 'saved' fired. */
  saves(): number;
}

const open: OfflineClient[] = [];

export function openClient(url: string, docName: string, options: QuireProviderOptions = {}): OfflineClient {
  const doc = new Y.Doc();
  const provider = new QuireProvider(url, docName, doc, { ...fastReconnect, ...options });
  let saved = 0;
  provider.on('saved', () => saved++);
  const client = { doc, provider, saves: () => saved };
  open.push(client);
  return client;
}

export function closeClients(): void {
  for (const { provider, doc } of open.splice(0)) {
    provider.destroy();
    doc.destroy();
  }
}

export function text(client: { doc: Y.Doc }): string {
  return client.doc.getText('text').toString();
}
