import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { QuireProvider } from '../../client/index.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

describe('destroying a provider', () => {
  let running: RunningServer;
  afterEach(async () => running?.close());

  it('is idempotent, removes its listeners, and closes the shared connection when it was the last user', async () => {
    running = await startServer();
    const doc = new Y.Doc();
    const updateListenersBefore = doc._observers.get('update')?.size ?? 0;
    const provider = new QuireProvider(running.url, 'destroy-me', doc);
    await provider.whenSynced();
    expect(running.server.io.engine.clientsCount).toBe(1);
    provider.destroy();
    provider.destroy();
    expect(doc._observers.get('update')?.size ?? 0).toBe(updateListenersBefore);
    await waitFor(() => running.server.io.engine.clientsCount === 0, 'connection closed');
    // Edits after destroy go nowhere and throw nothing.
    doc.getText('text').insert(0, 'after destroy');
    expect(provider.pendingCount).toBe(0);
  });

  it('a provider created after another of the same document was destroyed syncs normally', async () => {
    running = await startServer();
    const keepAlive = new QuireProvider(running.url, 'other-doc', new Y.Doc());
    const first = new QuireProvider(running.url, 'again', new Y.Doc());
    await first.whenSynced();
    first.doc.getText('text').insert(0, 'first');
    await waitFor(() => first.pendingCount === 0, 'saved');
    first.destroy();
    const second = new QuireProvider(running.url, 'again', new Y.Doc());
    await second.whenSynced();
    expect(second.doc.getText('text').toString()).toBe('first');
    second.destroy();
    keepAlive.destroy();
  });
});
