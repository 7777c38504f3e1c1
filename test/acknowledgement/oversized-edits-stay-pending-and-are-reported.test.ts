import { afterEach, expect, it } from 'vitest';
import type { UpdateRefusal } from '../../client/index.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient, text } from '../helpers/offline/offline-client.js';

const KiB = 1024;

let running: RunningServer | undefined;

afterEach(async () => {
  closeClients();
  await running?.close();
});

it('an edit over the per-update cap is reported with its code and size, stays pending, and is never called saved', async () => {
  running = await startServer({ maxMessageBytes: 128 * KiB, maxUpdateBytes: 64 * KiB, maxAssembledUpdateBytes: 256 * KiB });
  const writer = openClient(running.url, 'too-big');
  await writer.provider.whenSynced();
  writer.doc.getText('text').insert(0, 'kept ');
  await waitFor(() => writer.saves() === 1, 'first edit saved');
  const refusals: UpdateRefusal[] = [];
  writer.provider.on('update-refused', (refusal) => refusals.push(refusal));

  writer.doc.getText('text').insert(5, 'x'.repeat(300 * KiB));
  await waitFor(() => refusals.length === 1, 'the refusal is reported');
  expect(refusals[0]).toMatchObject({ code: 'UPDATE_TOO_LARGE' });
  expect(refusals[0]!.bytes).toBeGreaterThan(300 * KiB);
  expect(writer.provider.refused?.code).toBe('UPDATE_TOO_LARGE');

  // One more keystroke must not turn it into "saved" (the bug this guards against).
  writer.doc.getText('text').insert(0, '!');
  await waitFor(() => refusals.length >= 2, 'the next attempt is refused again');
  expect(writer.saves()).toBe(1);
  expect(writer.provider.pendingCount).toBeGreaterThan(0);
  const reader = openClient(running.url, 'too-big');
  await reader.provider.whenSynced();
  expect(text(reader)).toBe('kept ');

  // Undoing the paste leaves a document that fits: everything left is saved.
  writer.doc.getText('text').delete(6, 300 * KiB);
  await waitFor(() => writer.provider.pendingCount === 0, 'saved after the paste was removed', 20_000);
  expect(writer.saves()).toBe(2);
  expect(writer.provider.refused).toBeNull();
  await waitFor(() => text(reader) === '!kept ', 'the reader sees what was saved');
});
