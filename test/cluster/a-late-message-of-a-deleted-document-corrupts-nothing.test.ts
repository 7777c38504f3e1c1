/**
 * A node's bus messages reach Redis late (its link is slow). It commits an edit; the document is
 * deleted through another node at once; a third node, holding it, drops it and loads it again
 * before the slow node's message arrives. That message names rows of the deleted document, with
 * sequence numbers above the new one's head. The third node must not count them as rows of the
 * new document (and skip the new document's rows with those numbers later): every client ends
 * equal.
 */
import { startFaultyBusNodes } from '../helpers/cluster/faulty-bus-nodes.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { postgresReachable, redisReachable } from '../helpers/cluster/services.js';
import type { TestService } from '../helpers/ops/service.js';
import { delay, waitFor } from '../helpers/wait-for.js';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const SLOW_MS = 1_500;

describe.skipIf(!postgresReachable || !redisReachable)('a late bus message of a deleted document', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  // Its author may reconnect and write the deleted edit again (a client's copy re-creates a
  // deleted document), or be gone: then nothing may bring that edit back.
  it.each(['stays', 'leaves'] as const)(
    'leaves the new document whole where it was loaded again (the author %s)',
    async (author) => {
      const { nodes, link: slowLink } = await startFaultyBusNodes(
        cleanup,
        'late_message',
        [
          { id: 'deleter', behindProxy: false },
          { id: 'holder', behindProxy: false },
          { id: 'slow', behindProxy: true },
        ],
        ['--admin-token', ADMIN_TOKEN],
      );
      const [deleter, holder, slow] = nodes as [TestService, TestService, TestService];
      const clients: TestClient[] = [];
      cleanup.push(() => destroyClients(clients));

      // Many rows first, so the late message's seqs lie far above the new document's head.
      const onHolder = await connectSynced(holder.url, 'doc');
      clients.push(onHolder);
      for (let i = 0; i < 20; i++) {
        onHolder.doc.getText('text').insert(0, 'h');
        await delay(5);
      }
      const onSlow = await connectSynced(slow.url, 'doc');
      clients.push(onSlow);
      await waitFor(() => onHolder.provider.pendingCount === 0 && onSlow.doc.getText('text').length === 20, 'both hold the first rows');

      slowLink.set('delay', SLOW_MS);
      onSlow.doc.getText('text').insert(0, 'S');
      await waitFor(() => onSlow.provider.pendingCount === 0, "the slow node's edit acknowledged");
      if (author === 'leaves') destroyClients(clients.splice(clients.indexOf(onSlow), 1));
      const deleted = await fetch(`${deleter.url}/admin/documents/doc`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      if (deleted.status !== 200) throw new Error(`delete answered ${deleted.status}`);
      // The holder drops its copy; its client reconnects and writes the document anew. The late
      // message arrives meanwhile. Then the new document grows through another node.
      await delay(SLOW_MS * 2.5);
      slowLink.set('pass');
      const fresh = await connectSynced(deleter.url, 'doc');
      clients.push(fresh);
      for (let i = 0; i < 40; i++) {
        fresh.doc.getText('text').insert(0, 'n');
        await delay(20);
      }
      const text = (client: TestClient) => client.doc.getText('text').toString();
      await waitFor(() => clients.every((client) => text(client) === text(fresh)), 'every client to converge', 15_000, 50).catch(
        (error: Error) => {
          throw new Error(`${error.message}: ${clients.map((client) => JSON.stringify(text(client))).join(' / ')}`);
        },
      );
      if (author === 'leaves') expect(text(fresh)).not.toContain('S');
      const late = await connectSynced(holder.url, 'doc');
      clients.push(late);
      await waitFor(() => text(late) === text(fresh), 'a fresh client of the holder', 10_000, 50);
    },
    60_000,
  );
});
