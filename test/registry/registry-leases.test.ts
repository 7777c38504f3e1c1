import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocumentChannel } from '../../server/core/fan-out.js';
import { DocumentRegistry } from '../../server/core/registry.js';
import { MemoryStore } from '../../server/persistence/memory-store.js';
import { ErrorCodes } from '../../shared/errors.js';
import { GatedAppendStore } from '../helpers/gated-append-store.js';
import { waitFor } from '../helpers/wait-for.js';

const silent: DocumentChannel = { broadcast() {}, sendTo() {} };

function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('text').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

describe('the registry hands out references to entries, never a dying document', () => {
  it('a joiner during a forced unload gets a fresh document, not the one being closed', async () => {
    const store = new GatedAppendStore();
    const registry = new DocumentRegistry({ store, channelFor: () => silent, unloadGraceMs: 60_000 });
    const holder = await registry.acquire('doc');
    store.hold();
    const writing = holder.doc.applyServerUpdate(textUpdate('before the unload'));
    const evicting = registry.evict('doc');
    // The unload now waits for the write: a joiner arrives meanwhile.
    const joining = registry.acquire('doc');
    let joined = false;
    void joining.then(() => (joined = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(joined).toBe(false);
    // Nothing more is applied to the closing document: it would be acknowledged and lost.
    await expect(holder.doc.applyServerUpdate(textUpdate('too late'))).rejects.toMatchObject({ code: ErrorCodes.DOCUMENT_CLOSED });
    store.open();
    await writing;
    await evicting;
    const joiner = await joining;
    expect(joiner.doc).not.toBe(holder.doc);
    expect(joiner.doc.ydoc.getText('text').toString()).toBe('before the unload');
    await joiner.doc.applyServerUpdate(textUpdate('kept'));
    expect((await store.load('doc')).length).toBeGreaterThan(1);
    holder.release();
    joiner.release();
  });

  it("releasing a reference to an unloaded entry leaves the newer entry's holders alone", async () => {
    const store = new MemoryStore();
    const registry = new DocumentRegistry({ store, channelFor: () => silent, unloadGraceMs: 20 });
    const old = await registry.acquire('doc');
    await registry.evict('doc');
    const fresh = await registry.acquire('doc');
    // The stale reference is given back (twice, even): the fresh holder keeps its document.
    old.release();
    old.release();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(registry.isLoaded('doc')).toBe(true);
    expect(await registry.peek('doc')).toBe(fresh.doc);
    fresh.release();
    await waitFor(() => !registry.isLoaded('doc'), 'unloaded after its own holder released it');
  });

  it('after closeAll nothing is handed out', async () => {
    const registry = new DocumentRegistry({ store: new MemoryStore(), channelFor: () => silent, unloadGraceMs: 20 });
    const ref = await registry.acquire('doc');
    await registry.closeAll();
    await expect(registry.acquire('doc')).rejects.toMatchObject({ code: ErrorCodes.SHUTTING_DOWN });
    await expect(ref.doc.applyServerUpdate(textUpdate('x'))).rejects.toMatchObject({ code: ErrorCodes.DOCUMENT_CLOSED });
    ref.release();
  });
});
