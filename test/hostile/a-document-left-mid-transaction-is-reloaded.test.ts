/**
 * If Yjs throws inside its transaction cleanup (the nested-types stack overflow was one way), the
 * server's Y.Doc is left mid-transaction and never emits another update: every later edit would be
 * acknowledged but never stored or relayed. The server closes such a document instead; its clients
 * reconnect to a fresh load of what is stored, and what they send from then on is stored.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

describe('a document that Yjs left mid-transaction', () => {
  let running: RunningServer | undefined;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('is reloaded from the store, and later edits are stored instead of acknowledged and dropped', async () => {
    running = await startServer();
    const alice = await connectSynced(running.url, 'fragile');
    const bob = await connectSynced(running.url, 'fragile');
    clients.push(alice, bob);
    alice.doc.getText('text').insert(0, 'kept. ');
    await waitFor(() => alice.provider.pendingCount === 0 && bob.doc.getText('text').toString() === 'kept. ', 'the first edit');

    // The fault: Yjs' garbage collection throws in the cleanup of the next transaction that deletes.
    const handle = await running.server.openDocument('fragile');
    handle.doc.gcFilter = () => {
      throw new RangeError('Maximum call stack size exceeded');
    };
    await handle.release();
    const notices: string[] = [];
    bob.provider.on('notice', ({ code }) => notices.push(code));
    bob.doc.getText('text').delete(0, 1);
    await waitFor(() => notices.includes('DOCUMENT_CLOSED'), 'the refusal of the update that broke the document');

    // Both reconnect to a fresh load; the deletion is sent again and stored this time.
    alice.doc.getText('text').insert(alice.doc.getText('text').length, 'after');
    await waitFor(() => alice.provider.pendingCount === 0 && bob.provider.pendingCount === 0, 'both saved', 20_000);
    const reader = await connectSynced(running.url, 'fragile');
    clients.push(reader);
    expect(reader.doc.getText('text').toString()).toBe('ept. after');
    await waitFor(() => bob.doc.getText('text').toString() === 'ept. after', 'bob to converge');
  });
});
