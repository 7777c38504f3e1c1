/**
 * A client with a cursor on one node; then a client opens the same document through another node
 * that did not have it loaded (a new client, or one failing over from a dead node). On one node a
 * joiner gets every present state at once; across nodes it must too, not only when the others
 * renew their presence (every 15 s) or move.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { REDIS_URL, dropSchema, postgresReachable, postgresUrlFor, redisReachable, uniqueSchema } from '../helpers/cluster/services.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { waitFor } from '../helpers/wait-for.js';

describe.skipIf(!postgresReachable || !redisReachable)('a node opening a document', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('shows its clients the cursors already present through the other nodes', async () => {
    const schema = uniqueSchema('join_presence');
    cleanup.push(() => dropSchema(schema));
    const busUrl = `${REDIS_URL}?prefix=quire-test-${randomBytes(4).toString('hex')}`;
    const nodes: TestService[] = [];
    cleanup.push(() => Promise.all(nodes.map((node) => node.shutdown('test over'))).then(() => {}));
    for (const id of ['node-1', 'node-2', 'node-3'])
      nodes.push(await startTestService(['--store', postgresUrlFor(schema), '--bus', busUrl, '--node-id', id], 'leveldb'));
    const clients: TestClient[] = [];
    cleanup.push(() => destroyClients(clients));

    const present = await connectSynced(nodes[0]!.url, 'doc');
    clients.push(present);
    present.provider.awareness.setLocalState({ user: 'present' });
    const second = await connectSynced(nodes[1]!.url, 'doc');
    clients.push(second);
    await waitFor(() => second.provider.awareness.getStates().has(present.doc.clientID), 'the first cursor on node 2', 3_000);
    second.provider.awareness.setLocalState({ user: 'second' });
    // Node 3 opens the document after both set their cursors.
    await waitFor(() => present.provider.awareness.getStates().has(second.doc.clientID), 'the second cursor on node 1', 3_000);
    const late = await connectSynced(nodes[2]!.url, 'doc');
    clients.push(late);
    await waitFor(
      () => [present, second].every((other) => late.provider.awareness.getStates().has(other.doc.clientID)),
      'both cursors on node 3',
      3_000,
    );
  }, 30_000);
});
