/**
 * Admin DELETE while clients type, on one server with its LevelDB store. The server drops the
 * document, its records and its client-id owners, and disconnects the clients; they reconnect and,
 * holding copies, write the document anew (docs/OPERATING.md). Whatever raced the delete, every
 * client must settle (each one's own edits acknowledged), every client and a fresh reader must end
 * equal, and the store must hold what they hold.
 */
import { deleteThroughAdmin, waitUntilSettled } from '../helpers/ops/settling.js';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';
import { delay, waitFor } from '../helpers/wait-for.js';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

describe('a delete amid typing on one node', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    await removeTempDirs();
  });

  it('ends with every client, a fresh reader and the store equal', async () => {
    const dataDir = await tempDir('delete-typing');
    const service: TestService = await startTestService(['--data', dataDir, '--admin-token', ADMIN_TOKEN], 'leveldb');
    cleanup.push(() => service.shutdown('test over'));
    const clients: TestClient[] = [];
    cleanup.push(() => destroyClients(clients));
    for (let i = 0; i < 4; i++) clients.push(await connectSynced(service.url, 'doc'));

    let typing = true;
    const typists = clients.map(async (client, i) => {
      while (typing) {
        client.doc.getText('text').insert(0, String.fromCharCode(97 + i));
        await delay(7 + i * 3);
      }
    });
    for (let round = 0; round < 3; round++) {
      // Each delete finds the clients back and typing into the written-anew document.
      await waitFor(() => clients.every((client) => client.provider.synced), 'every client back', 10_000, 10);
      await delay(300);
      expect(await deleteThroughAdmin(service.url, 'doc', ADMIN_TOKEN)).toBe(200);
    }
    await delay(300);
    typing = false;
    await Promise.all(typists);

    const text = (client: TestClient) => client.doc.getText('text').toString();
    await waitUntilSettled(clients, () =>
      service.logs.lines.filter((line) => Number(line.level) >= 40).map((line) => `${line.msg} ${line.code ?? ''}`),
    );
    await waitFor(() => clients.every((client) => text(client) === text(clients[0]!)), 'every client to converge', 15_000, 50).catch(
      (error: Error) => {
        const sv = (client: TestClient) => JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(client.doc))].sort());
        const pendingOf = (client: TestClient) =>
          JSON.stringify({
            structs: client.doc.store.pendingStructs !== null,
            ds: client.doc.store.pendingDs !== null,
            id: client.doc.clientID,
          });
        throw new Error(
          `${error.message}: ${clients.map((client) => `${text(client).length} ${sv(client)} ${pendingOf(client)}`).join('\n')}`,
        );
      },
    );
    const reader = await connectSynced(service.url, 'doc');
    clients.push(reader);
    expect(text(reader)).toBe(text(clients[0]!));
    const stored = new Y.Doc();
    for (const update of await service.store.load('doc')) Y.applyUpdate(stored, update);
    expect(stored.getText('text').toString()).toBe(text(clients[0]!));
  }, 60_000);
});
