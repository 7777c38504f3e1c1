/**
 * A writer to be SIGKILLed: loads a few documents from a LevelDbStore, then appends Yjs updates
 * continuously across event-loop turns, with thresholds low enough to compact often.
 * Usage: crash-writer.ts <dir> <first number> <seed>
 *
 * Update number n pushes n onto the document's array 'acked' (plus a text edit). Prints
 *   ready            once the documents are loaded
 *   ack <n>          when the append of update n resolved (it is durable)
 *   compacting <doc> just before a compaction batch is written
 * stdout is a pipe, which Node writes synchronously on Linux: a printed ack reached the parent
 * before any later kill.
 */
import * as Y from 'yjs';
import { LevelDbStore } from '../../../server/persistence/leveldb-store.js';
import { CRASH_DOCUMENTS } from '../persistence/crash-documents.js';

const [path, firstArg, seedArg] = process.argv.slice(2);
if (path === undefined || firstArg === undefined || seedArg === undefined) {
  throw new Error('usage: crash-writer.ts <dir> <first number> <seed>');
}
const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

// mulberry32: small seeded PRNG, so a failing round can be replayed.
let seed = Number(seedArg) >>> 0;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const store = await LevelDbStore.open({
  path,
  compactAfterUpdates: 60,
  compactAfterBytes: 16 * 1024,
  hooks: {
    beforeWrite: (info) => {
      if (info.kind === 'compaction') out(`compacting ${info.documents.join(',')}`);
    },
  },
});

const docs = await Promise.all(
  CRASH_DOCUMENTS.map(async (name) => {
    const doc = new Y.Doc();
    for (const update of await store.load(name)) Y.applyUpdate(doc, update, 'load');
    return { name, doc };
  }),
);
out('ready');

let next = Number(firstArg);
const inFlight = new Set<Promise<void>>();
for (;;) {
  const edits = 1 + Math.floor(random() * 8);
  for (let i = 0; i < edits; i++) {
    const { name, doc } = docs[Math.floor(random() * docs.length)]!;
    const n = next++;
    let update: Uint8Array | undefined;
    doc.once('update', (u: Uint8Array) => (update = u));
    doc.transact(() => {
      doc.getArray<number>('acked').push([n]);
      const text = doc.getText('text');
      text.insert(Math.floor(random() * (text.length + 1)), `${n % 10}`);
      if (text.length > 40 && random() < 0.3) text.delete(Math.floor(random() * (text.length - 3)), 3);
    });
    const append = store.append(name, update!).then(
      () => out(`ack ${n}`),
      (err: unknown) => out(`failed ${n} ${String(err)}`),
    );
    inFlight.add(append);
    void append.finally(() => inFlight.delete(append));
  }
  // A new event-loop turn; and keep the number of unacknowledged appends bounded.
  await new Promise((resolve) => setImmediate(resolve));
  if (inFlight.size > 2000) await Promise.race(inFlight);
}
