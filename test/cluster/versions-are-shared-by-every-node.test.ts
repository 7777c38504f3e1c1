import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { type InProcessCluster, startInProcessCluster } from '../helpers/cluster/in-process-nodes.js';
import { postgresReachable, redisReachable } from '../helpers/cluster/services.js';

describe.skipIf(!postgresReachable || !redisReachable)('version history on a cluster', () => {
  let cluster: InProcessCluster;
  let clients: TestClient[] = [];

  beforeEach(async () => {
    cluster = await startInProcessCluster(2, ['--no-automatic-versions']);
  });

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await cluster.close();
  });

  it('lists a version taken on one node on every node, and a restore through another node reaches every client', async () => {
    const [first, second] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    clients = await Promise.all([first, second].map((node) => connectSynced(node.url, 'minutes')));
    const [onFirst, onSecond] = clients as [TestClient, TestClient];
    onFirst.doc.getText('text').insert(0, 'Agreed: ship on Friday.');
    await waitFor(() => onSecond.doc.getText('text').toString() === 'Agreed: ship on Friday.', 'the edit on the second node');
    const version = await first.server.versions.create('minutes', { name: 'before the argument' });

    onSecond.doc.getText('text').delete(0, onSecond.doc.getText('text').length);
    onSecond.doc.getText('text').insert(0, 'Nothing agreed.');
    await waitFor(() => onFirst.doc.getText('text').toString() === 'Nothing agreed.', 'the rewrite on the first node');

    expect((await second.server.versions.list('minutes')).map((v) => [v.id, v.name])).toEqual([[version.id, 'before the argument']]);
    const stored = new Y.Doc();
    Y.applyUpdate(stored, await second.server.versions.get('minutes', version.id));
    expect(stored.getText('text').toString()).toBe('Agreed: ship on Friday.');

    expect(await second.server.versions.restore('minutes', version.id, { roots: ['text'] })).toMatchObject({ changed: true });
    const texts = () => clients.map((c) => c.doc.getText('text').toString());
    await waitFor(() => texts().every((text) => text === 'Agreed: ship on Friday.'), 'the restore on both nodes').catch((error: Error) => {
      throw new Error(`${error.message}: ${texts().join(' | ')}`);
    });
    // The restore took a backup first, on the shared history.
    expect((await first.server.versions.list('minutes')).map((v) => v.kind)).toContain('backup');
  });

  it('keeps both versions when two nodes take one of the same document at the same moment', async () => {
    const [first, second] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    clients = await Promise.all([first, second].map((node) => connectSynced(node.url, 'minutes')));
    clients[0]!.doc.getText('text').insert(0, 'Draft.');
    await waitFor(() => clients[1]!.doc.getText('text').toString() === 'Draft.', 'the edit on the second node');
    for (let round = 0; round < 5; round++) {
      const taken = await Promise.all(
        [first, second].map((node, i) => node.server.versions.create('minutes', { name: `round ${round} by node ${i + 1}` })),
      );
      expect(taken[0]!.id).not.toBe(taken[1]!.id);
    }
    const listed = await second.server.versions.list('minutes');
    expect(listed).toHaveLength(10);
    expect(new Set(listed.map((v) => v.name)).size).toBe(10);
    for (const version of listed) {
      const state = new Y.Doc();
      Y.applyUpdate(state, await first.server.versions.get('minutes', version.id));
      expect(state.getText('text').toString()).toBe('Draft.');
    }
  });
});
