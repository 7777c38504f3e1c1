/**
 * Admin DELETE on one node while another node holds the document open with a client typing, and
 * that other node cannot hear the `deleted` message (its Redis link is cut at that moment). The
 * document is written again through the first node. Once Redis is back, the second node must not
 * keep serving its copy of the deleted incarnation and ignore the new one's rows (their sequence
 * numbers start again at 1, below what it holds): it drops the stale copy, its client reconnects,
 * and every client converges.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { FaultProxy } from '../helpers/cluster/fault-proxy.js';
import { REDIS_URL, dropSchema, postgresReachable, postgresUrlFor, redisReachable, uniqueSchema } from '../helpers/cluster/services.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { delay, waitFor } from '../helpers/wait-for.js';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

describe.skipIf(!postgresReachable || !redisReachable)('a node that missed a delete', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  // Node 2 hears nothing from Redis at the moment of the delete: cut from it, or run without --bus.
  it.each(['cut from Redis', 'without a bus'] as const)(
    '%s, drops its copy of the deleted document instead of diverging',
    async (how) => {
      const schema = uniqueSchema('missed_delete');
      cleanup.push(() => dropSchema(schema));
      const busUrl = `${REDIS_URL}?prefix=quire-test-${randomBytes(4).toString('hex')}`;
      const link = await FaultProxy.start(Number(new URL(REDIS_URL).port));
      cleanup.push(() => link.close());
      const nodeArgs = (id: string, bus: string) => [
        '--store',
        postgresUrlFor(schema),
        '--bus',
        bus,
        '--node-id',
        id,
        '--admin-token',
        ADMIN_TOKEN,
      ];
      const nodes: TestService[] = [];
      cleanup.push(() => Promise.all(nodes.map((node) => node.shutdown('test over'))).then(() => {}));
      nodes.push(await startTestService(nodeArgs('node-1', busUrl), 'leveldb'));
      const secondArgs = nodeArgs('node-2', link.urlFor(busUrl));
      nodes.push(
        await startTestService(how === 'without a bus' ? secondArgs.slice(0, 2).concat(secondArgs.slice(4)) : secondArgs, 'leveldb'),
      );
      const [first, second] = nodes as [TestService, TestService];
      const clients: TestClient[] = [];
      cleanup.push(() => destroyClients(clients));

      // A writer on node 2 commits many rows of the first incarnation.
      const old = await connectSynced(second.url, 'doc');
      clients.push(old);
      for (let i = 0; i < 30; i++) {
        old.doc.getText('text').insert(0, 'o');
        await delay(5);
      }
      await waitFor(() => old.provider.pendingCount === 0, 'the old writer acknowledged');

      // Node 2 loses Redis; the document is deleted through node 1 and written again there.
      link.set('reset');
      const deleted = await fetch(`${first.url}/admin/documents/doc`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(deleted.status).toBe(200);
      const fresh = await connectSynced(first.url, 'doc');
      clients.push(fresh);
      fresh.doc.getText('text').insert(0, 'new ');
      await waitFor(() => fresh.provider.pendingCount === 0, 'the new writer acknowledged');
      link.set('pass');

      // Both keep typing a little; every replica must end equal.
      await delay(500);
      fresh.doc.getText('text').insert(0, 'N');
      old.doc.getText('text').insert(0, 'O');
      await waitFor(
        () => fresh.doc.getText('text').toString() === old.doc.getText('text').toString(),
        'the clients of both nodes to converge',
        15_000,
        50,
      ).catch((error: Error) => {
        throw new Error(`${error.message}: node 1 "${fresh.doc.getText('text')}", node 2 "${old.doc.getText('text')}"`);
      });
      expect(fresh.doc.getText('text').toString()).toContain('new');
      const third = await connectSynced(second.url, 'doc');
      clients.push(third);
      await waitFor(
        () => third.doc.getText('text').toString() === fresh.doc.getText('text').toString(),
        'a fresh client of node 2',
        10_000,
        50,
      );
    },
    60_000,
  );
});
