import { afterEach, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient, text } from '../helpers/offline/offline-client.js';
import { GatedStore } from '../helpers/offline/gated-store.js';

let running: RunningServer | undefined;

afterEach(async () => {
  closeClients();
  await running?.close();
});

it('the pending count reaches zero only once the server made every update durable, then saved fires once', async () => {
  const store = new GatedStore();
  running = await startServer({ store });
  const client = openClient(running.url, 'exact');
  await client.provider.whenSynced();
  const counts: number[] = [];
  client.provider.on('pending', ({ count }) => counts.push(count));
  let localBytes = 0;
  client.doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== client.provider) localBytes += update.byteLength;
  });

  store.hold();
  for (const word of ['one ', 'two ', 'three']) {
    client.doc.getText('text').insert(text(client).length, word);
    await new Promise((resolve) => setImmediate(resolve)); // a turn per keystroke, as in an editor
  }
  expect(client.provider.pendingCount).toBe(3);
  expect(client.provider.pendingBytes).toBe(localBytes);

  // The server has applied everything, but nothing is durable yet: nothing may count as saved.
  const serverDoc = await running.server.registry.peek('exact');
  await waitFor(() => serverDoc?.ydoc.getText('text').toString() === 'one two three', 'server applied the edits');
  expect(client.provider.pendingCount).toBe(3);
  expect(client.saves()).toBe(0);

  store.release();
  await waitFor(() => client.saves() === 1, 'saved');
  expect(client.provider.pendingCount).toBe(0);
  expect(client.provider.pendingBytes).toBe(0);
  expect(counts[counts.length - 1]).toBe(0);
  expect(counts.slice(0, 3)).toEqual([1, 2, 3]);
  // Zero appears once, at the end: never on the way.
  expect(counts.filter((count) => count === 0)).toHaveLength(1);
});

it('saved does not fire while disconnected, and the queue is kept for the next connection', async () => {
  running = await startServer();
  const client = openClient(running.url, 'kept');
  await client.provider.whenSynced();
  client.provider.disconnect();
  client.doc.getText('text').insert(0, 'queued while disconnected');
  expect(client.provider.pendingCount).toBe(1);
  expect(client.saves()).toBe(0);

  client.provider.connect();
  await waitFor(() => client.saves() === 1, 'saved after connecting');
  expect(client.provider.pendingCount).toBe(0);
  const reader = openClient(running.url, 'kept');
  await reader.provider.whenSynced();
  expect(text(reader)).toBe('queued while disconnected');
});
