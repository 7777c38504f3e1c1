import { afterEach, beforeEach, expect, it } from 'vitest';
import { LevelDbStore, type LevelDbStoreOptions } from '../../server/persistence/leveldb-store.js';
import { makeGate, turns, waitFor } from '../helpers/persistence/gate.js';
import { type TempDir, makeTempDir } from '../helpers/temp-dir.js';
import { docFromUpdates, editRichly, recordingDoc, sameState } from '../helpers/persistence/yjs-content.js';

let dir: TempDir;
let store: LevelDbStore;

async function open(options: Partial<LevelDbStoreOptions> = {}): Promise<LevelDbStore> {
  store = await LevelDbStore.open({ path: dir.path, ...options });
  return store;
}

beforeEach(async () => {
  dir = await makeTempDir('compaction');
});
afterEach(async () => {
  await store.close();
  await dir.remove();
});

/** Appends `updates` a few per turn, as edits arrive from clients. */
async function appendOverTurns(name: string, updates: Uint8Array[], perTurn = 10): Promise<void> {
  for (let i = 0; i < updates.length; i += perTurn) {
    await Promise.all(updates.slice(i, i + perTurn).map((u) => store.append(name, u)));
  }
}

it('compacts automatically past the update threshold, keeping the content', async () => {
  await open({ compactAfterUpdates: 50 });
  const { doc, updates } = recordingDoc();
  editRichly(doc, 60); // a few hundred updates
  await appendOverTurns('doc', updates);
  await store.whenIdle();

  const stats = (await store.stats('doc'))!;
  expect(store.writeStats().compactions).toBeGreaterThanOrEqual(2);
  expect(stats.tailUpdates).toBeLessThan(50);
  expect(stats.snapshotBytes).toBeGreaterThan(0);
  expect(stats.nextSeq).toBe(updates.length);
  const stored = await store.load('doc');
  expect(stored).toHaveLength(1 + stats.tailUpdates);
  expect(sameState(docFromUpdates(stored), doc)).toEqual({ content: true, stateVector: true });
});

it('compacts automatically past the byte threshold, and not before', async () => {
  await open({ compactAfterBytes: 4096, compactAfterUpdates: Infinity });
  const { doc, updates } = recordingDoc();
  for (let i = 0; i < 5; i++) doc.getText('text').insert(0, 'x'.repeat(1000));
  await appendOverTurns('big', updates, 1); // 5 updates of ~1 KB: past 4 KB
  await store.whenIdle();
  expect(store.writeStats().compactions).toBe(1);
  expect((await store.stats('big'))!.tailBytes).toBe(0);
  for (let i = 0; i < 3; i++) doc.getText('text').insert(0, 'y'.repeat(1000));
  await appendOverTurns('big', updates.slice(5), 1); // ~3 KB more: below the threshold
  await store.whenIdle();
  expect(store.writeStats().compactions).toBe(1);
  expect((await store.stats('big'))!.tailUpdates).toBe(3);
  expect(docFromUpdates(await store.load('big')).getText('text').length).toBe(8000);
});

it('compact() merges the whole tail into one snapshot on request', async () => {
  await open({ compactAfterUpdates: Infinity, compactAfterBytes: Infinity });
  const { doc, updates } = recordingDoc();
  editRichly(doc, 30);
  await appendOverTurns('doc', updates);
  expect(store.writeStats().compactions).toBe(0);
  await store.compact('doc');
  expect(await store.stats('doc')).toMatchObject({ tailUpdates: 0, tailBytes: 0, nextSeq: updates.length });
  const stored = await store.load('doc');
  expect(stored).toHaveLength(1);
  expect(sameState(docFromUpdates(stored), doc)).toEqual({ content: true, stateVector: true });
  // Compacting again merges the snapshot with the new tail.
  doc.getArray('list').push(['after']);
  await store.append('doc', updates.at(-1)!);
  await store.compact('doc');
  expect(sameState(docFromUpdates(await store.load('doc')), doc)).toEqual({ content: true, stateVector: true });
});

it('keeps appends that arrive during a compaction in the tail, after the new snapshot', async () => {
  const gate = makeGate();
  await open({
    compactAfterUpdates: Infinity,
    hooks: { beforeWrite: (info) => (info.kind === 'compaction' ? gate.wait : undefined) },
  });
  const { doc, updates } = recordingDoc();
  editRichly(doc, 20);
  await appendOverTurns('doc', updates);
  const merged = updates.length;
  const compaction = store.compact('doc');
  await waitFor(() => store.writeStats().compactionsStarted === 1);
  editRichly(doc, 5);
  const late = updates.slice(merged).map((u) => store.append('doc', u));
  await turns(5);
  gate.open();
  await Promise.all([compaction, ...late]);
  const stats = (await store.stats('doc'))!;
  expect(stats.tailUpdates).toBe(updates.length - merged);
  expect(stats.nextSeq).toBe(updates.length);
  const stored = await store.load('doc');
  expect(stored.slice(1)).toEqual(updates.slice(merged));
  expect(sameState(docFromUpdates(stored), doc)).toEqual({ content: true, stateVector: true });
});

it('never runs two compactions of a document at once', async () => {
  const gate = makeGate();
  await open({
    compactAfterUpdates: Infinity,
    hooks: { beforeWrite: (info) => (info.kind === 'compaction' ? gate.wait : undefined) },
  });
  const { doc, updates } = recordingDoc();
  editRichly(doc, 10);
  await appendOverTurns('doc', updates);
  const first = store.compact('doc');
  await waitFor(() => store.writeStats().compactionsStarted === 1);
  const merged = updates.length;
  editRichly(doc, 3);
  const late = updates.slice(merged).map((u) => store.append('doc', u)); // written after the held compaction
  const again = [store.compact('doc'), store.compact('doc'), store.compact('doc')];
  await turns(20);
  expect(store.writeStats().compactionsStarted).toBe(1);
  gate.open();
  await Promise.all([first, ...late, ...again]);
  // The three requests made while one ran were served by one more compaction, which merged the late appends.
  expect(store.writeStats().compactionsStarted).toBe(2);
  expect(await store.stats('doc')).toMatchObject({ tailUpdates: 0, nextSeq: updates.length });
  expect(sameState(docFromUpdates(await store.load('doc')), doc)).toEqual({ content: true, stateVector: true });
});

it('leaves a document deleted whenever the delete lands during its compaction', async () => {
  await open({ compactAfterUpdates: Infinity });
  // The delete is issued later and later after the compaction starts (k turns, then also k ms):
  // before its read, between its read and its commit (the compaction is then discarded), or
  // after its commit. Every case must leave the document deleted.
  for (let k = 0; k < 16; k++) {
    const name = `doc-${k}`;
    const { doc, updates } = recordingDoc();
    editRichly(doc, 10);
    await appendOverTurns(name, updates);
    const compaction = store.compact(name);
    await turns(k);
    if (k >= 8) await new Promise((resolve) => setTimeout(resolve, (k - 7) * 2));
    await Promise.all([store.delete(name), compaction]);
    expect(await store.load(name), name).toEqual([]);
  }
  expect(await store.list()).toEqual([]);
  await store.whenIdle();
  const { compactions, compactionsDiscarded } = store.writeStats();
  expect(compactions + compactionsDiscarded).toBeGreaterThan(0); // the schedule reached past the read
});

it('loads a complete document while appends and compactions run concurrently', async () => {
  await open({ compactAfterUpdates: 20 });
  const { doc, updates } = recordingDoc();
  const list = doc.getArray<number>('numbers');
  let acknowledged = 0;
  const appends: Promise<void>[] = [];
  const loads: Promise<void>[] = [];
  // At least 150 turns, and on until compactions have run several times: a busy machine runs
  // fewer of them per turn, and the point is that loads meet them.
  for (let turn = 0; turn < 150 || (store.writeStats().compactions <= 5 && turn < 3_000); turn++) {
    for (let i = 0; i < 3; i++) {
      list.push([list.length]);
      const n = list.length;
      appends.push(store.append('busy', updates.at(-1)!).then(() => void (acknowledged = Math.max(acknowledged, n))));
    }
    if (turn % 3 === 0) {
      const mustHave = acknowledged;
      loads.push(
        store.load('busy').then((stored) => {
          const numbers = docFromUpdates(stored).getArray<number>('numbers').toArray();
          // Every update acknowledged before the load began, in order, and nothing else.
          expect(numbers.length).toBeGreaterThanOrEqual(mustHave);
          expect(numbers).toEqual(numbers.map((_, i) => i));
        }),
      );
    }
    await turns(1);
  }
  await Promise.all([...appends, ...loads]);
  await store.whenIdle();
  expect(store.writeStats().compactions).toBeGreaterThan(5);
  expect(docFromUpdates(await store.load('busy')).getArray('numbers').length).toBe(list.length);
});
