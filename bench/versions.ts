/**
 * Version history on the automerge-paper trace (259,778 edits, one writer): the trace is typed
 * into the editor root of a server-side document on a LevelDB store, with a named version every
 * 1/51 of the way. Prints the versions' stored size (delta chain) against full states, and the
 * time to create, list, preview (get) and restore.
 *
 *   npx tsx bench/versions.ts            (QUIRE_BENCH_VERSIONS=51 to change the count)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { createServer } from '../server/index.js';
import { LevelDbStore } from '../server/persistence/leveldb-store.js';
import { RevertRunner } from '../server/versions/revert-runner.js';
import { applyPatch, loadAutomergePaperTrace, tracePatches } from '../test/helpers/trace.js';

const VERSIONS = Number(process.env.QUIRE_BENCH_VERSIONS ?? 51);
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const ms = (n: number) => `${n.toFixed(1)} ms`;
const kB = (n: number) => `${(n / 1024).toFixed(0)} kB`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

const dataDir = await mkdtemp(join(tmpdir(), 'quire-bench-versions-'));
const server = createServer({ store: await LevelDbStore.open({ path: dataDir }), versions: { automatic: false } });
try {
  const handle = await server.openDocument('paper');
  const paragraph = new Y.XmlElement('paragraph');
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  handle.doc.getXmlFragment('default').insert(0, [paragraph]);
  const patches = [...tracePatches(loadAutomergePaperTrace())];
  const every = Math.floor(patches.length / VERSIONS);
  const createTimes: number[] = [];
  let fullStateBytes = 0;
  let edits = 0;
  for (const patch of patches) {
    applyPatch(text, patch);
    edits++;
    if (edits % 2_000 === 0) await handle.whenDurable();
    if (edits % every === 0 && createTimes.length < VERSIONS) {
      await handle.whenDurable();
      fullStateBytes += Y.encodeStateAsUpdate(handle.doc).byteLength;
      const [, took] = await timed(() => server.versions.create('paper', { name: `after ${edits} edits` }));
      createTimes.push(took);
    }
  }
  await handle.whenDurable();
  const finalState = Y.encodeStateAsUpdate(handle.doc);

  const versions = await server.versions.list('paper');
  const records = await server.store.versions!.listVersions('paper');
  const storedBytes = versions.reduce((sum, v) => sum + v.storedBytes, 0);
  const keyframes = records.filter((r) => r.payload === 'keyframe').length;
  const listTimes: number[] = [];
  for (let i = 0; i < 20; i++) listTimes.push((await timed(() => server.versions.list('paper')))[1]);
  // Preview = get: the latest version, and the one at the end of the longest delta run.
  let longestRunEnd = records[0]!.id;
  let run = 0;
  let longest = 0;
  for (const record of records) {
    run = record.payload === 'keyframe' ? 0 : run + 1;
    if (run >= longest) {
      longest = run;
      longestRunEnd = record.id;
    }
  }
  const firstKeyframe = records.find((r) => r.payload === 'keyframe')!.id;
  const getTimes = async (id: number) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push((await timed(() => server.versions.get('paper', id)))[1]);
    return median(times);
  };
  const middle = versions[Math.floor(versions.length / 2)]!;

  // Restore the middle version: inline revert computation, then the whole restore.
  const target = await server.versions.get('paper', middle.id);
  const revertInline = (
    await timed(() => new RevertRunner(Number.POSITIVE_INFINITY).compute({ target, live: finalState, roots: ['default'] }))
  )[1];
  const workerRunner = new RevertRunner(0);
  const revertWorker = (await timed(() => workerRunner.compute({ target, live: finalState, roots: ['default'] })))[1];
  await workerRunner.close();
  const [restored, restoreTime] = await timed(() => server.versions.restore('paper', middle.id));

  out(`automerge-paper: ${patches.length} edits, final state ${kB(finalState.byteLength)}, ${versions.length} named versions`);
  out(
    `stored: ${kB(storedBytes)} as a delta chain (${keyframes} keyframes) vs ${kB(fullStateBytes)} as full states (${(fullStateBytes / storedBytes).toFixed(1)}×)`,
  );
  out(`create: median ${ms(median(createTimes))}, max ${ms(Math.max(...createTimes))} (includes waiting for durability of the state)`);
  out(`list ${versions.length} versions: median ${ms(median(listTimes))}`);
  out(
    `preview (get) a keyframe (v${firstKeyframe}): ${ms(await getTimes(firstKeyframe))}; the end of the longest delta run (v${longestRunEnd}, ${longest} deltas): ${ms(await getTimes(longestRunEnd))}; the latest: ${ms(await getTimes(versions.at(-1)!.id))}`,
  );
  out(
    `restore v${middle.id} (editor root): revert computed inline ${ms(revertInline)}, in a worker ${ms(revertWorker)}; whole restore (backup, revert, durable, restore record) ${ms(restoreTime)}, backup ${kB(restored.backup.storedBytes)}, restore record ${kB(restored.restore.storedBytes)}`,
  );
  await handle.release();
} finally {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
}
