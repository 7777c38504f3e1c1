import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { QuireProvider } from '../../client/index.js';
import { MemoryOfflineStore } from '../../client/offline/memory-store.js';

const providers: QuireProvider[] = [];

afterEach(() => {
  for (const provider of providers.splice(0)) provider.destroy();
});

it('content a document held before its provider opened is stored, so later offline edits restore on top of it', async () => {
  const store = new MemoryOfflineStore();
  const doc = new Y.Doc();
  doc.getText('text').insert(0, 'Template. ');
  // Never connects: the whole life of this provider is offline.
  const first = new QuireProvider('http://127.0.0.1:9', 'template', doc, { offline: store, connect: false });
  providers.push(first);
  await first.whenRestored();
  doc.getText('text').insert(10, 'Edited offline.');
  expect(first.pendingCount).toBe(1);
  first.destroy();

  const reloaded = new Y.Doc();
  const second = new QuireProvider('http://127.0.0.1:9', 'template', reloaded, { offline: store, connect: false });
  providers.push(second);
  await second.whenRestored();
  expect(reloaded.getText('text').toString()).toBe('Template. Edited offline.');
  expect(second.pendingCount).toBe(1);
});
