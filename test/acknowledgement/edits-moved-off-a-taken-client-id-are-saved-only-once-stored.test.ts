/**
 * An app that gives a Y.Doc a new provider (a new session) after writing through an earlier one
 * writes on under an id the earlier session owns: the new provider's offline edits are refused
 * CLIENT_ID_TAKEN in its handshake step 2, moved to a fresh id and sent again. 'saved' must come
 * only once the moved edits are stored.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { QuireProvider } from '../../client/index.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { type TestClient, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

describe('offline edits under a client id an earlier session of the same document owns', () => {
  let running: RunningServer;
  const clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients.splice(0));
    await running?.close();
  });

  it('are saved under a fresh id, and saved is said only once the store has them', async () => {
    running = await startServer();
    const doc = new Y.Doc();
    const first = new QuireProvider(running.url, 'taken-offline', doc);
    await first.whenSynced();
    doc.getText('text').insert(0, 'first');
    await waitFor(() => first.pendingCount === 0, 'the first provider saved');
    first.destroy();
    const taken = doc.clientID;

    // A new provider for the same document, typing before it connects.
    const provider = new QuireProvider(running.url, 'taken-offline', doc, { connect: false });
    clients.push({ doc, provider });
    doc.getText('text').insert(5, ' offline words');
    const notices: ErrorInfo[] = [];
    provider.on('notice', (info: ErrorInfo) => notices.push(info));
    const savedWhileMissing: string[] = [];
    provider.on('saved', () => {
      void (async () => {
        const stored = new Y.Doc();
        for (const update of await running.server.store.load('taken-offline')) Y.applyUpdate(stored, update);
        if (!stored.getText('text').toString().includes('offline words')) savedWhileMissing.push(stored.getText('text').toString());
      })();
    });
    provider.connect();
    await waitFor(() => provider.synced && provider.pendingCount === 0, 'the moved edits saved');
    expect(notices.map((notice) => notice.code)).toContain('CLIENT_ID_TAKEN');
    expect(doc.clientID).not.toBe(taken);
    const stored = new Y.Doc();
    for (const update of await running.server.store.load('taken-offline')) Y.applyUpdate(stored, update);
    expect(stored.getText('text').toString()).toBe('first offline words');
    expect(doc.getText('text').toString()).toBe(stored.getText('text').toString());
    expect(savedWhileMissing).toEqual([]);
  });
});
