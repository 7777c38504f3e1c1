import { afterEach, describe, expect, it } from 'vitest';
import { jwtAuth } from '../../server/index.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { testSecret, tokenFor } from '../helpers/tokens.js';
import { delay, waitFor } from '../helpers/wait-for.js';
import { whenSaved } from '../helpers/versions.js';

describe('automatic versions', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  const kinds = async (doc: string) => (await running.server.versions.list(doc)).map((v) => v.kind);

  it('are taken after an idle gap, with the principals who edited since the previous one as authors', async () => {
    running = await startServer({ ...jwtAuth({ secret: testSecret }), versions: { idleMs: 150, intervalMs: 60_000 } });
    const ada = await connectSynced(running.url, 'doc', { token: tokenFor({ doc: 'write' }, 3600, 'ada') });
    const bob = await connectSynced(running.url, 'doc', { token: tokenFor({ doc: 'write' }, 3600, 'bob') });
    clients.push(ada, bob);
    ada.doc.getText('text').insert(0, 'ada was here ');
    bob.doc.getText('text').insert(0, 'bob too ');
    await Promise.all([whenSaved(ada), whenSaved(bob)]);
    await waitFor(async () => (await kinds('doc')).length === 1, 'an automatic version after the idle gap');
    const [first] = await running.server.versions.list('doc');
    expect(first).toMatchObject({ kind: 'auto' });
    expect([...first!.authors].sort()).toEqual(['ada', 'bob']);

    bob.doc.getText('text').insert(0, 'only bob ');
    await whenSaved(bob);
    await waitFor(async () => (await kinds('doc')).length === 2, 'a second automatic version');
    expect((await running.server.versions.list('doc'))[1]!.authors).toEqual(['bob']);
  });

  it('are taken on the interval while people keep typing', async () => {
    running = await startServer({ versions: { idleMs: 60_000, intervalMs: 200 } });
    const client = await connectSynced(running.url, 'busy');
    clients.push(client);
    const started = Date.now();
    while (Date.now() - started < 700) {
      client.doc.getText('text').insert(0, 'x');
      await delay(20);
    }
    await waitFor(async () => (await kinds('busy')).length >= 2, 'versions while typing');
  });

  it('are taken when the last client leaves, and never for a document that did not change', async () => {
    running = await startServer({ versions: { idleMs: 60_000, intervalMs: 60_000 } });
    const a = await connectSynced(running.url, 'leaving');
    const b = await connectSynced(running.url, 'leaving');
    clients.push(a, b);
    a.doc.getText('text').insert(0, 'before leaving');
    await whenSaved(a);
    a.provider.disconnect();
    await delay(100);
    expect(await kinds('leaving')).toEqual([]);
    b.provider.disconnect();
    await waitFor(async () => (await kinds('leaving')).length === 1, 'a version when the last client left');
    // Back and gone again without a change: nothing new.
    b.provider.connect();
    await b.provider.whenSynced();
    b.provider.disconnect();
    await delay(200);
    expect(await kinds('leaving')).toEqual(['auto']);
  });

  it('can be turned off', async () => {
    running = await startServer({ versions: { automatic: false, idleMs: 10, intervalMs: 10 } });
    const client = await connectSynced(running.url, 'quiet');
    clients.push(client);
    client.doc.getText('text').insert(0, 'no versions please');
    await whenSaved(client);
    client.provider.disconnect();
    await delay(200);
    expect(await kinds('quiet')).toEqual([]);
  });
});
