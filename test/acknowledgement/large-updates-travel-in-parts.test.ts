import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../server/persistence/memory-store.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient, text } from '../helpers/offline/offline-client.js';

const KiB = 1024;
// Small limits, so that "larger than a message" takes hundreds of kilobytes, not megabytes.
const limits = { maxMessageBytes: 128 * KiB, maxUpdateBytes: 64 * KiB, maxAssembledUpdateBytes: 1024 * KiB };

let running: RunningServer | undefined;

afterEach(async () => {
  closeClients();
  await running?.close();
});

async function readBack(url: string, docName: string): Promise<string> {
  const reader = openClient(url, docName);
  await reader.provider.whenSynced();
  return text(reader);
}

describe('updates larger than one message travel in parts up to the per-update cap', () => {
  it('a paste larger than maxUpdateBytes is saved and a reader gets all of it', async () => {
    running = await startServer({ ...limits, store: new MemoryStore() });
    const writer = openClient(running.url, 'paste');
    await writer.provider.whenSynced();
    const paste = 'p'.repeat(600 * KiB);
    writer.doc.getText('text').insert(0, paste);
    await waitFor(() => writer.saves() > 0 && writer.provider.pendingCount === 0, 'paste saved');
    expect(await readBack(running.url, 'paste')).toBe(paste);
  });

  it('two offline pastes, each under the message limit and together over it, reach the server on reconnect', async () => {
    running = await startServer(limits);
    const writer = openClient(running.url, 'offline-pastes');
    await writer.provider.whenSynced();
    writer.provider.disconnect();
    writer.doc.getText('text').insert(0, 'a'.repeat(50 * KiB));
    writer.doc.getText('text').insert(0, 'b'.repeat(50 * KiB));
    writer.provider.connect();
    await waitFor(() => writer.provider.pendingCount === 0 && writer.saves() > 0, 'offline pastes saved');
    expect((await readBack(running.url, 'offline-pastes')).length).toBe(100 * KiB);
  });

  it('offline edits that merge past the per-update cap are sent as several updates, each under it', async () => {
    running = await startServer({ ...limits, maxAssembledUpdateBytes: 256 * KiB });
    const writer = openClient(running.url, 'past-the-cap');
    await writer.provider.whenSynced();
    const refusals: string[] = [];
    writer.provider.on('update-refused', ({ code }) => refusals.push(code));
    writer.provider.disconnect();
    for (const letter of 'abc') writer.doc.getText('text').insert(0, letter.repeat(200 * KiB));
    writer.provider.connect();
    await waitFor(() => writer.provider.pendingCount === 0 && writer.saves() > 0, 'every paste saved', 20_000);
    expect(refusals).toEqual([]);
    expect((await readBack(running.url, 'past-the-cap')).length).toBe(600 * KiB);
  });
});
