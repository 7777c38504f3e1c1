import { afterEach, describe, expect, it } from 'vitest';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { VersionKeys } from '../../server/persistence/leveldb/versions-keys.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { RawLevelDb } from '../helpers/persistence/raw-leveldb.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { whenSaved } from '../helpers/versions.js';

describe('a damaged version record', () => {
  let running: RunningServer | undefined;
  let clients: TestClient[] = [];
  let cleanup = async () => {};
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
    await cleanup();
  });

  it('fails reading that history with LOAD_FAILED, leaves the document editable, and purge clears it', async () => {
    const dir = await makeTempDir('versions-damaged');
    cleanup = () => dir.remove();
    running = await startServer({ store: await LevelDbStore.open({ path: dir.path }), versions: { automatic: false } });
    let client = await connectSynced(running.url, 'doc');
    clients.push(client);
    client.doc.getText('text').insert(0, 'kept');
    await whenSaved(client);
    await running.server.versions.create('doc', { name: 'one' });
    await running.server.versions.create('doc', { name: 'two' });
    destroyClients(clients);
    clients = [];
    await running.close();

    const raw = await RawLevelDb.open(dir.path);
    const key = new VersionKeys('doc').meta(1);
    const value = (await raw.get(key))!;
    value[value.length - 1] = value[value.length - 1]! ^ 0xff;
    await raw.put(key, value);
    await raw.close();

    running = await startServer({ store: await LevelDbStore.open({ path: dir.path }), versions: { automatic: false } });
    client = await connectSynced(running.url, 'doc');
    clients.push(client);
    await expect(client.provider.versions.list()).rejects.toMatchObject({ code: 'LOAD_FAILED' });
    await expect(running.server.versions.get('doc', 2)).rejects.toMatchObject({ code: 'LOAD_FAILED' });
    expect(client.doc.getText('text').toString()).toBe('kept');
    client.doc.getText('text').insert(4, ' and edited');
    await whenSaved(client);

    const fresh = await running.server.versions.purge('doc');
    expect((await client.provider.versions.list()).map((v) => v.id)).toEqual([fresh!.id]);
  });
});
