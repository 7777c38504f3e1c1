/**
 * After a failed write a document re-writes its whole state before it acknowledges again (the
 * repair append of durable-writer.ts). While the store refuses every write (a full disk), that
 * repair would be refused at once too: encoding the whole document for it on every update a
 * client sends only burns the event loop — with a few-MB document and a few typists, the server
 * stopped answering anyone for seconds during the outage. The repair waits for a store that
 * accepts writes, and then still happens, so nothing applied during the outage is lost.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createServer, type QuireServer } from '../../server/index.js';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { decodeSyncFrame, encodeSyncFrame } from '../../shared/protocol/sync.js';
import { type Tmpfs, mountTmpfs } from '../helpers/persistence/tmpfs.js';
import { rawDocumentSocket } from '../helpers/raw-socket.js';
import { waitFor } from '../helpers/wait-for.js';

let tmpfs: Tmpfs | null = null;
let unavailable = '';
beforeAll(async () => {
  const mounted = await mountTmpfs(32);
  if ('unavailable' in mounted) unavailable = mounted.unavailable;
  else tmpfs = mounted;
});
afterAll(async () => {
  await tmpfs?.unmount();
});

let server: QuireServer | null = null;
let socket: Socket | null = null;
afterEach(async () => {
  socket?.close();
  await server?.close().catch(() => {});
  server = null;
});

/** A document of about 500 KB: what a whole-state repair append would carry. */
function largeDocument(): Uint8Array {
  const doc = new Y.Doc();
  const text = doc.getText('body');
  for (let i = 0; i < 500; i++) text.insert(text.length, `${'lorem ipsum dolor sit amet '.repeat(40)}\n`);
  return Y.encodeStateAsUpdate(doc);
}

describe('a document whose store refuses writes', () => {
  it('answers STORE_FAILED without re-encoding itself per update, and repairs once the store accepts', async (context) => {
    if (tmpfs === null) return context.skip(unavailable);
    const store = await LevelDbStore.open({ path: join(tmpfs.path, 'data') });
    const large = largeDocument();
    await store.append('notes', large);
    const appendedBytes: number[] = [];
    const append = store.append.bind(store);
    store.append = (name, update) => {
      appendedBytes.push(update.byteLength);
      return append(name, update);
    };
    server = createServer({ store, unloadGraceMs: 60_000 });
    const { url } = await server.listen(0, '127.0.0.1');

    const local = new Y.Doc();
    socket = await rawDocumentSocket(url, 'notes');
    const reply = (await socket.timeout(10_000).emitWithAck('sync-step-1', encodeSyncFrame('step1', Y.encodeStateVector(local)))) as {
      step2: Uint8Array;
    };
    Y.applyUpdate(local, decodeSyncFrame(reply.step2).payload);
    const entries = local.getArray<number>('entries');
    const type = async (value: number): Promise<{ ok: boolean; code?: string }> => {
      let update: Uint8Array | null = null;
      local.once('update', (u: Uint8Array) => (update = u));
      entries.push([value]);
      return (await socket!.timeout(10_000).emitWithAck('update', encodeSyncFrame('update', update!))) as { ok: boolean; code?: string };
    };
    expect(await type(0)).toMatchObject({ ok: true });

    const filler = tmpfs.fill();
    // What fits in the last pages LevelDB's files already hold is still written (and acknowledged).
    let next = 1;
    while ((await type(next++)).ok) if (next > 5000) throw new Error('the full disk never refused a write');
    appendedBytes.length = 0;
    const answers: Array<{ ok: boolean; code?: string }> = [];
    for (let i = 0; i < 40; i++) answers.push(await type(next++));
    expect(answers.filter((answer) => answer.ok)).toEqual([]);
    expect(answers.every((answer) => answer.code === 'STORE_FAILED')).toBe(true);
    expect(store.health().accepting).toBe(false);
    expect(appendedBytes.filter((bytes) => bytes >= large.byteLength)).toEqual([]);

    rmSync(filler);
    await waitFor(() => store.health().accepting, 'the store to accept writes again');
    await waitFor(async () => (await type(next++)).ok, 'an update to be acknowledged again', 10_000, 100);

    const stored = new Y.Doc();
    for (const update of await store.load('notes')) Y.applyUpdate(stored, update);
    const values = new Set(stored.getArray<number>('entries').toArray());
    for (let i = 0; i < next; i++) expect(values.has(i), `entry ${i}`).toBe(true);
  });
});
