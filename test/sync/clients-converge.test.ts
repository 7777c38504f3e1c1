import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { converged, snapshotOf } from '../helpers/convergence.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

describe('clients editing one document converge', () => {
  let running: RunningServer;
  let clients: TestClient[] = [];

  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    await running?.close();
  });

  for (const count of [2, 20]) {
    it(`${count} clients converge on text, map and array edits`, async () => {
      running = await startServer();
      clients = await Promise.all(Array.from({ length: count }, () => connectSynced(running.url, 'shared-doc')));
      clients.forEach(({ doc }, i) => {
        doc.getText('text').insert(0, `client ${i};`);
        doc.getMap('map').set(`key-${i}`, i);
        doc.getMap('map').set('contended', i);
        doc.getArray('array').push([i]);
      });
      await waitFor(() => converged(clients.map((c) => c.doc)), 'convergence');
      const [first] = clients;
      expect(first!.doc.getArray('array').length).toBe(count);
      expect(first!.doc.getMap('map').size).toBe(count + 1);
      for (let i = 0; i < count; i++) expect(first!.doc.getText('text').toString()).toContain(`client ${i};`);
    });
  }

  it('a late joiner receives the full document', async () => {
    running = await startServer();
    const writer = await connectSynced(running.url, 'late-join');
    clients.push(writer);
    writer.doc.getText('text').insert(0, 'hello world');
    writer.doc.getMap('map').set('a', { nested: [1, 2, 3] });
    await waitFor(() => writer.provider.pendingCount === 0, 'writer saved');
    const late = await connectSynced(running.url, 'late-join');
    clients.push(late);
    expect(snapshotOf(late.doc)).toBe(snapshotOf(writer.doc));
  });
});
