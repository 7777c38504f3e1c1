/**
 * Deleting a document unloads it, then removes its stored records. A client joining in between
 * must not load the records being removed: it would be served a document the store no longer
 * holds, and its edits (stored as changes to that content) would be lost to every fresh reader.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type QuireServer } from '../../server/index.js';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { connectSynced, destroyClients, type TestClient } from '../helpers/clients.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const clients: TestClient[] = [];
let server: QuireServer | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  destroyClients(clients.splice(0));
  await server?.close();
  server = undefined;
  await removeTempDirs();
  dataDir = undefined;
});

async function startOn(dir: string, beforeWrite?: () => Promise<void>): Promise<{ server: QuireServer; url: string }> {
  const store = await LevelDbStore.open({ path: dir, hooks: beforeWrite === undefined ? {} : { beforeWrite } });
  const started = createServer({ store, unloadGraceMs: 50 });
  const { url } = await started.listen(0, '127.0.0.1');
  return { server: started, url };
}

describe('a joiner during a deletion', () => {
  it('gets an empty document, and what it writes is what a fresh reader reads', async () => {
    dataDir = await tempDir('delete-join');
    let holdWrites: Promise<void> | null = null;
    let releaseWrites = () => {};
    let heldWrites = 0;
    const running = await startOn(dataDir, async () => {
      if (holdWrites === null) return;
      heldWrites++;
      await holdWrites;
    });
    server = running.server;

    const author = await connectSynced(running.url, 'doomed');
    clients.push(author);
    author.doc.getText('text').insert(0, 'deleted words');
    await waitFor(() => author.provider.pendingCount === 0, 'the author’s words saved');
    destroyClients(clients.splice(0));

    // The deletion's own writes wait, so a joiner arrives between the unload and the removal.
    holdWrites = new Promise((resolve) => (releaseWrites = resolve));
    const deleted = server.deleteDocument('doomed');
    await waitFor(() => heldWrites > 0, 'the deletion writing');
    const joining = connectSynced(running.url, 'doomed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    holdWrites = null;
    releaseWrites();
    expect(await deleted).toBe(true);
    const joiner = await joining;
    clients.push(joiner);
    expect(joiner.doc.getText('text').toString()).toBe('');

    joiner.doc.getText('text').insert(joiner.doc.getText('text').length, 'new words');
    await waitFor(() => joiner.provider.pendingCount === 0, 'the joiner’s words saved');
    const text = joiner.doc.getText('text').toString();
    destroyClients(clients.splice(0));
    await server.close();

    const restarted = await startOn(dataDir);
    server = restarted.server;
    const reader = await connectSynced(restarted.url, 'doomed');
    clients.push(reader);
    expect(reader.doc.getText('text').toString()).toBe(text);
  });
});
