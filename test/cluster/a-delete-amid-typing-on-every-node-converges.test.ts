/**
 * Admin DELETE through one node while clients type through every node. The deleting node and
 * every node holding the document drop it; their clients reconnect and, holding copies, write the
 * document anew (docs/SCALING.md). Whatever raced the delete, every client and a fresh reader on
 * every node must end equal, and the store must hold what they hold.
 *
 * This once never settled: a writer claims its id again (its presence) before its content is back,
 * so another client's step 2 relaying that content was refused CLIENT_ID_TAKEN, and the client
 * moved the other writer's content to an id of its own (a copy every other replica held twice) and
 * never offered the rest of that step 2 again. A client now leaves others' refused content to its
 * owner and asks for the handshake again (client/sync-session.ts); and an update that completes
 * held-back content reaches its sender too (server/core/document.ts), or that sender ends short.
 */
import { deleteThroughAdmin, waitUntilSettled } from '../helpers/ops/settling.js';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { REDIS_URL, dropSchema, postgresReachable, postgresUrlFor, redisReachable, uniqueSchema } from '../helpers/cluster/services.js';
import { readStoredDocument } from '../helpers/cluster/verifier.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { delay, waitFor } from '../helpers/wait-for.js';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

describe.skipIf(!postgresReachable || !redisReachable)('a delete amid typing on every node', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('ends with every client, every node and the store equal', async () => {
    const schema = uniqueSchema('delete_typing');
    cleanup.push(() => dropSchema(schema));
    const storeUrl = postgresUrlFor(schema);
    const busUrl = `${REDIS_URL}?prefix=quire-test-${randomBytes(4).toString('hex')}`;
    const nodes: TestService[] = [];
    cleanup.push(() => Promise.all(nodes.map((node) => node.shutdown('test over'))).then(() => {}));
    for (const id of ['node-1', 'node-2', 'node-3'])
      nodes.push(await startTestService(['--store', storeUrl, '--bus', busUrl, '--node-id', id, '--admin-token', ADMIN_TOKEN], 'leveldb'));
    const clients: TestClient[] = [];
    cleanup.push(() => destroyClients(clients));
    for (const node of nodes) for (let i = 0; i < 2; i++) clients.push(await connectSynced(node.url, 'doc'));

    let typing = true;
    const typists = clients.map(async (client, i) => {
      while (typing) {
        client.doc.getText('text').insert(0, String.fromCharCode(97 + i));
        await delay(7 + i * 3);
      }
    });
    for (let round = 0; round < 3; round++) {
      await delay(300);
      expect(await deleteThroughAdmin(nodes[round % nodes.length]!.url, 'doc', ADMIN_TOKEN)).toBe(200);
    }
    await delay(300);
    typing = false;
    await Promise.all(typists);

    const text = (client: TestClient) => client.doc.getText('text').toString();
    await waitUntilSettled(clients, () =>
      nodes.flatMap((node) => node.logs.lines.filter((line) => Number(line.level) >= 40).map((line) => `${line.msg} ${line.code ?? ''}`)),
    );
    await waitFor(() => clients.every((client) => text(client) === text(clients[0]!)), 'every client to converge', 15_000, 50).catch(
      (error: Error) => {
        throw new Error(`${error.message}: ${clients.map((client) => text(client).length).join(' / ')}`);
      },
    );
    const readers = await Promise.all(nodes.map((node) => connectSynced(node.url, 'doc')));
    clients.push(...readers);
    await waitFor(() => readers.every((reader) => text(reader) === text(clients[0]!)), 'a fresh reader on every node', 10_000, 50);
    expect((await readStoredDocument(storeUrl, 'doc')).doc.getText('text').toString()).toBe(text(clients[0]!));
  }, 60_000);
});
