import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { docOf } from '../helpers/random-edits.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { whenSaved } from '../helpers/versions.js';

describe('purge', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  it('removes a pasted-then-deleted secret from every version and keeps the current state', async () => {
    running = await startServer({ versions: { automatic: false } });
    const client = await connectSynced(running.url, 'doc');
    clients.push(client);
    const text = client.doc.getText('text');
    text.insert(0, 'public notes');
    text.insert(0, 'password=hunter2 ');
    await whenSaved(client);
    await running.server.versions.create('doc', { name: 'with the secret' });
    text.delete(0, 'password=hunter2 '.length);
    await whenSaved(client);
    await running.server.versions.create('doc');
    const purged = await running.server.versions.purge('doc');
    const versions = await running.server.versions.list('doc');
    expect(versions.map((v) => v.id)).toEqual([purged!.id]);
    const state = await running.server.versions.get('doc', purged!.id);
    expect(docOf(state).getText('text').toString()).toBe('public notes');
    expect(Buffer.from(state).includes(Buffer.from('hunter2'))).toBe(false);
  });
});
