import { afterEach, expect, it } from 'vitest';
import { converged } from '../helpers/convergence.js';
import { waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient, text } from '../helpers/offline/offline-client.js';
import { ServerProcesses } from '../helpers/server-process.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

const servers = new ServerProcesses({ unloadGraceMs: 50, anyOrigin: true });

afterEach(async () => {
  closeClients();
  await servers.crashAll();
  await removeTempDirs();
});

it('two clients editing the same paragraph while offline converge on text holding both sets of edits', async () => {
  const data = await tempDir('offline');
  const first = await servers.start(data);
  const alice = openClient(first.url, 'paragraph');
  const bob = openClient(first.url, 'paragraph');
  await Promise.all([alice.provider.whenSynced(), bob.provider.whenSynced()]);
  alice.doc.getText('text').insert(0, 'The quick brown fox jumps over the lazy dog.');
  await waitFor(() => text(bob) === 'The quick brown fox jumps over the lazy dog.', 'bob has the paragraph');

  await first.crash();
  await waitFor(() => !alice.provider.synced && !bob.provider.synced, 'both offline');
  // Both edit the same words of the same paragraph, in several steps each.
  const a = alice.doc.getText('text');
  a.delete(4, 5); // "quick"
  a.insert(4, 'sleepy');
  a.insert(a.length - 1, ' at noon');
  const b = bob.doc.getText('text');
  b.delete(4, 5); // "quick" too
  b.insert(4, 'clever');
  b.insert(10, ' and'); // after "clever"
  b.insert(0, '» ');
  expect(text(alice)).not.toBe(text(bob));

  await servers.start(data, first.port);
  await waitFor(() => alice.provider.pendingCount === 0 && bob.provider.pendingCount === 0, 'both acknowledged');
  await waitFor(() => converged([alice.doc, bob.doc]), 'convergence');
  const merged = text(alice);
  for (const piece of ['sleepy', 'clever and', ' at noon', '» ', 'brown fox jumps over the lazy dog']) {
    expect(merged).toContain(piece);
  }
  expect(merged).not.toContain('quick');
});
