import { readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { FileOfflineStore } from '../../client/offline/file-store.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterEach(removeTempDirs);

const pending = (seq: number) => ({ session: 's', seq, update: new Uint8Array([seq, seq, seq]) });
const write = (store: FileOfflineStore, seq: number) => store.write('doc', { updates: [], pending: [pending(seq)], acknowledged: [] });

it('a write torn by a crash is cut off on reopening, and later writes stay readable', async () => {
  const directory = await tempDir('offline');
  const store = new FileOfflineStore({ directory });
  await write(store, 1);
  await write(store, 2);
  await store.close();
  const path = store.pathOf('doc');
  const { size } = await stat(path);
  await truncate(path, size - 2); // the crash tore the second record

  const reopened = new FileOfflineStore({ directory });
  expect((await reopened.load('doc')).pending).toEqual([pending(1)]);
  await write(reopened, 3);
  await reopened.close();
  const again = new FileOfflineStore({ directory });
  expect((await again.load('doc')).pending).toEqual([pending(1), pending(3)]);
  await again.close();
});

it('a record whose bytes were damaged is not applied', async () => {
  const directory = await tempDir('offline');
  const store = new FileOfflineStore({ directory });
  await write(store, 1);
  await write(store, 2);
  await store.close();
  const path = store.pathOf('doc');
  const bytes = await readFile(path);
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
  await writeFile(path, bytes);
  const reopened = new FileOfflineStore({ directory });
  expect((await reopened.load('doc')).pending).toEqual([pending(1)]);
  await reopened.close();
});
