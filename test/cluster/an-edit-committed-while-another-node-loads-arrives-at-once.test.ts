/**
 * Two nodes, one writing while the other loads the same document: an edit committed after the
 * loading node's read but published before that read returned (its PostgreSQL link is slow) must
 * be applied once the load finishes, as docs/SCALING.md promises ("bus messages up to that head
 * are duplicates, later ones are applied"), not left to the periodic head checks seconds later.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { FaultProxy } from '../helpers/cluster/fault-proxy.js';
import {
  POSTGRES_URL,
  REDIS_URL,
  dropSchema,
  postgresReachable,
  postgresUrlFor,
  redisReachable,
  uniqueSchema,
} from '../helpers/cluster/services.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { waitFor } from '../helpers/wait-for.js';

const LINK_DELAY_MS = 400;

describe.skipIf(!postgresReachable || !redisReachable)('an edit committed while another node loads the document', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('reaches the clients of the loading node as soon as the load is done', async () => {
    const schema = uniqueSchema('load_race');
    cleanup.push(() => dropSchema(schema));
    const busUrl = `${REDIS_URL}?prefix=quire-test-${randomBytes(4).toString('hex')}`;
    const slowLink = await FaultProxy.start(Number(new URL(POSTGRES_URL).port));
    cleanup.push(() => slowLink.close());
    const nodes: TestService[] = [];
    cleanup.push(() => Promise.all(nodes.map((node) => node.shutdown('test over'))).then(() => {}));
    const start = async (id: string, store: string) =>
      nodes.push(await startTestService(['--store', store, '--bus', busUrl, '--node-id', id], 'leveldb'));
    await start('node-1', postgresUrlFor(schema));
    await start('node-2', postgresUrlFor(schema, slowLink.urlFor(POSTGRES_URL)));
    const [writing, loading] = nodes as [TestService, TestService];
    const clients: TestClient[] = [];
    cleanup.push(() => destroyClients(clients));

    const writer = await connectSynced(writing.url, 'doc');
    clients.push(writer);
    writer.doc.getText('text').insert(0, 'before ');
    await waitFor(() => writer.provider.pendingCount === 0, 'the first edit acknowledged');

    // Node 2's queries take LINK_DELAY_MS each way: its read of the document reaches PostgreSQL,
    // which answers at once, and the answer reaches node 2 LINK_DELAY_MS later. The edit commits
    // (and is published) in between.
    const { default: pg } = await import('pg');
    const observer = new pg.Client({ connectionString: POSTGRES_URL });
    await observer.connect();
    cleanup.push(() => observer.end());
    const since = new Date();
    slowLink.set('delay', LINK_DELAY_MS);
    const reader = connectClient(loading.url, 'doc', { transports: ['websocket'] });
    clients.push(reader);
    await waitFor(
      async () => {
        const reads = await observer.query(
          `SELECT 1 FROM pg_stat_activity WHERE query LIKE '%d.snapshot_seq > $2%' AND query LIKE $1 AND query_start > $2`,
          [`%${schema}%`, since],
        );
        return reads.rows.length > 0;
      },
      "node 2's read of the document",
      10_000,
      5,
    );
    writer.doc.getText('text').insert(0, 'during ');
    await waitFor(() => writer.provider.pendingCount === 0, 'the second edit acknowledged');
    const acknowledgedAt = Date.now();
    await reader.provider.whenSynced();
    await waitFor(() => reader.doc.getText('text').toString() === 'during before ', 'the edit on node 2', 10_000, 20);
    // The load returns about LINK_DELAY_MS after the edit; a head check repair takes seconds.
    expect(Date.now() - acknowledgedAt).toBeLessThan(LINK_DELAY_MS + 700);
  }, 30_000);
});
