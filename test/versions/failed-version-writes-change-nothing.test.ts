import { afterEach, describe, expect, it } from 'vitest';
import { XmlText } from 'yjs';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { whenSaved } from '../helpers/versions.js';

describe('a disk that fails while versions are written', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];
  let cleanup = async () => {};
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
    await cleanup();
  });

  it('refuses the version or the restore with STORE_FAILED, changes nothing, and works again once the disk does', async () => {
    const dir = await makeTempDir('versions-fail');
    let failing = false;
    const store = await LevelDbStore.open({
      path: dir.path,
      hooks: {
        beforeWrite: (info) => {
          if (failing && info.kind === 'versions') throw new Error('injected: No space left on device');
        },
      },
    });
    cleanup = () => dir.remove();
    running = await startServer({ store, versions: { automatic: false } });
    const client = await connectSynced(running.url, 'doc');
    clients.push(client);
    const fragment = client.doc.getXmlFragment('default');
    fragment.insert(0, [new XmlText('version one')]);
    await whenSaved(client);
    const version = await running.server.versions.create('doc', { name: 'one' });
    fragment.delete(0, 1);
    fragment.insert(0, [new XmlText('now')]);
    await whenSaved(client);

    failing = true;
    await expect(running.server.versions.create('doc', { name: 'two' })).rejects.toMatchObject({ code: 'STORE_FAILED' });
    await expect(client.provider.versions.restore(version.id)).rejects.toMatchObject({ code: 'STORE_FAILED' });
    expect(fragment.toString()).toBe('now');
    expect((await running.server.versions.list('doc')).map((v) => v.name)).toEqual(['one']);
    // Editing is unaffected: the document's own writes are not versions.
    fragment.insert(1, [new XmlText(' and later')]);
    await whenSaved(client);

    failing = false;
    await client.provider.versions.restore(version.id);
    expect((await running.server.versions.list('doc')).map((v) => v.kind)).toEqual(['named', 'backup', 'restore']);
  });
});
