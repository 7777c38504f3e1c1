/**
 * PostgreSQL paused (SIGSTOP): connections stay open and nothing answers, no error comes. A node
 * must acknowledge nothing meanwhile and say it cannot commit (/readyz), then, once PostgreSQL
 * resumes, acknowledge what its clients kept, with every client of every node converging and the
 * store holding every acknowledged update.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { PrivatePostgres, privatePostgresAvailable } from '../helpers/cluster/private-postgres.js';
import { REDIS_URL, redisReachable } from '../helpers/cluster/services.js';
import { missingUpdates, readStoredDocument } from '../helpers/cluster/verifier.js';
import { type TestService, startTestService } from '../helpers/ops/service.js';
import { delay, waitFor } from '../helpers/wait-for.js';

describe.skipIf(!privatePostgresAvailable || !redisReachable)('a paused PostgreSQL', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('gets nothing acknowledged while paused, and everything kept once it resumes', async () => {
    const postgres = await PrivatePostgres.start();
    cleanup.push(() => postgres.destroy());
    const dir = (postgres as unknown as { dir: string }).dir;
    const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const storeUrl = `${postgres.url}?schema=quire`;
    const busUrl = `${REDIS_URL}?prefix=quire-test-${randomBytes(4).toString('hex')}`;
    const nodes: TestService[] = [];
    cleanup.push(() => Promise.all(nodes.map((node) => node.shutdown('test over').catch(() => {}))).then(() => {}));
    for (const id of ['node-1', 'node-2'])
      nodes.push(await startTestService(['--store', storeUrl, '--bus', busUrl, '--node-id', id], 'leveldb'));
    const clients: TestClient[] = [];
    cleanup.push(() => destroyClients(clients));
    for (const node of nodes) clients.push(await connectSynced(node.url, 'doc'));
    const updates = clients.map(() => [] as Uint8Array[]);
    for (const [i, client] of clients.entries())
      client.doc.on('update', (update: Uint8Array, origin: unknown) => origin !== client.provider && updates[i]!.push(update));
    clients[0]!.doc.getText('text').insert(0, 'before ');
    await waitFor(() => clients.every((client) => client.doc.getText('text').toString() === 'before '), 'the first edit everywhere');

    // Every process of the server stops: the postmaster and each backend.
    const pids = [
      postmaster,
      ...readFileSync('/proc/' + postmaster + '/task/' + postmaster + '/children', 'utf8')
        .trim()
        .split(/\s+/)
        .map(Number),
    ];
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    let resumed = false;
    cleanup.push(() => {
      if (!resumed) for (const pid of pids) process.kill(pid, 'SIGCONT');
    });
    for (const [i, client] of clients.entries()) client.doc.getText('text').insert(0, `paused-${i} `);
    // The per-second probe hangs: after two intervals without an answer the node says so.
    for (const node of nodes) await waitFor(async () => (await fetch(`${node.url}/readyz`)).status === 503, 'not ready', 6_000, 100);
    expect(clients.map((client) => client.provider.pendingCount > 0)).toEqual([true, true]);
    await delay(8_000); // past the statement timeout: the commits fail, and are still not acknowledged
    expect(clients.map((client) => client.provider.pendingCount > 0)).toEqual([true, true]);

    for (const pid of pids) process.kill(pid, 'SIGCONT');
    resumed = true;
    await waitFor(
      () => clients.every((client) => client.provider.pendingCount === 0),
      'everything acknowledged after the pause',
      20_000,
      50,
    );
    const text = (client: TestClient) => client.doc.getText('text').toString();
    await waitFor(() => text(clients[0]!) === text(clients[1]!), 'the clients of both nodes to converge', 10_000, 50);
    expect(text(clients[0]!)).toContain('paused-0');
    expect(text(clients[0]!)).toContain('paused-1');
    const stored = await readStoredDocument(storeUrl, 'doc');
    expect(missingUpdates(stored.doc, updates.flat())).toEqual([]);
    for (const node of nodes) await waitFor(async () => (await fetch(`${node.url}/readyz`)).status === 200, 'ready again', 5_000, 50);
  }, 90_000);
});
