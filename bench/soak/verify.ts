import { Manager } from 'socket.io-client';
import * as Y from 'yjs';
import { QuireProvider } from '../../client/index.js';

/** The edit tokens the server serves for a document, read by a fresh client. */
export async function readServedTokens(url: string, docName: string): Promise<string[]> {
  const doc = new Y.Doc();
  const manager = new Manager(url, { transports: ['websocket'], autoConnect: false });
  const provider = new QuireProvider(url, docName, doc, { manager });
  try {
    await provider.whenSynced();
    return doc.getArray<string>('edits').toArray();
  } finally {
    provider.destroy();
    doc.destroy();
    manager._close();
  }
}
