import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { versionStores, whenSaved } from '../helpers/versions.js';

describe.each(versionStores)('deleting a document on $name', ({ open }) => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  let cleanup: () => Promise<void> = async () => {};
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
    await cleanup();
  });

  it('deletes its versions, so a new document of the same name starts without history', async () => {
    const opened = await open();
    cleanup = opened.cleanup;
    running = await startServer({ store: opened.store, versions: { idleMs: 60_000 } });
    const client = await connectSynced(running.url, 'doc');
    clients.push(client);
    client.doc.getText('text').insert(0, 'confidential');
    await whenSaved(client);
    await running.server.versions.create('doc', { name: 'secret draft' });
    expect(await running.server.deleteDocument('doc')).toBe(true);
    destroyClients(clients);
    clients = [];
    expect(await running.server.versions.list('doc')).toEqual([]);

    const fresh = await connectSynced(running.url, 'doc');
    clients.push(fresh);
    fresh.doc.getText('text').insert(0, 'new life');
    await whenSaved(fresh);
    const version = await fresh.provider.versions.create({ name: 'first' });
    expect((await fresh.provider.versions.list()).map((v) => v.name)).toEqual(['first']);
    const state = await fresh.provider.versions.get(version.id);
    expect(Buffer.from(state).includes(Buffer.from('confidential'))).toBe(false);
  });
});
