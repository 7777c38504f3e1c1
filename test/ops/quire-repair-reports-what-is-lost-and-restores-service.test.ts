import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { LevelDbStore } from '../../server/persistence/leveldb-store.js';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { CliProcess, runCli } from '../helpers/ops/cli-process.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

/** Two documents in a table, one of them with more edits in the write-ahead log, whose bytes are then flipped. */
async function damagedDataDirectory(dataDir: string): Promise<void> {
  const docs = [new Y.Doc(), new Y.Doc()];
  for (const session of [0, 1]) {
    const store = await LevelDbStore.open({ path: dataDir });
    for (const [i, doc] of docs.entries()) {
      if (session === 1 && i === 1) continue;
      for (let edit = 0; edit < 5; edit++) {
        let update!: Uint8Array;
        doc.once('update', (u: Uint8Array) => (update = u));
        doc.getArray<string>('edits').push([`session ${session} edit ${edit}`]);
        await store.append(`doc-${i}`, update);
      }
    }
    await store.close();
  }
  const log = readdirSync(dataDir).find((f) => f.endsWith('.log'))!;
  const data = readFileSync(join(dataDir, log));
  for (let i = 0; i < data.length; i += 97) data[i]! ^= 0xa5;
  writeFileSync(join(dataDir, log), data);
}

describe('quire repair', () => {
  let processes: CliProcess[] = [];
  let clients: TestClient[] = [];
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    for (const quire of processes) quire.kill();
    processes = [];
    await removeTempDirs();
  }, 90_000);

  it('reports what is lost (dry run exits 3), repairs keeping what is readable, and the server serves it again', async () => {
    const dataDir = join(await tempDir('repair'), 'data');
    await damagedDataDirectory(dataDir);

    const dryRun = await runCli(['repair', '--data', dataDir, '--dry-run']);
    expect(dryRun.code).toBe(3);
    expect(dryRun.stdout).toContain('dry run: nothing changed');
    expect(dryRun.stdout).toMatch(/2 documents checked, 1 damaged/);
    expect(dryRun.stdout).toMatch(/"doc-0": updates 5–9 were acknowledged but are missing/);
    expect(dryRun.stdout).toMatch(/would keep 5 readable record/);

    // A server holds the directory: the repair refuses to touch it.
    const running = await CliProcess.start(['--data', dataDir]);
    processes.push(running);
    const refused = await runCli(['repair', '--data', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/locked/i);
    expect(await running.stop('SIGTERM')).toBe(0);

    const repair = await runCli(['repair', '--data', dataDir, '--json']);
    expect(repair.code).toBe(0);
    const report = JSON.parse(repair.stdout) as {
      damaged: Array<{ name: string; lost: string[]; action: string }>;
      reportFile: string;
      lostDir: string;
    };
    expect(report.damaged).toEqual([
      expect.objectContaining({ name: 'doc-0', action: 'rewritten', lost: [expect.stringMatching(/updates 5–9/)] }),
    ]);
    expect(existsSync(report.reportFile)).toBe(true);
    expect(readdirSync(report.lostDir).some((f) => f.endsWith('.log'))).toBe(true);

    const again = await runCli(['repair', '--data', dataDir, '--dry-run']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to repair');

    const quire = await CliProcess.start(['--data', dataDir]);
    processes.push(quire);
    const repaired = await connectSynced(quire.url, 'doc-0');
    const untouched = await connectSynced(quire.url, 'doc-1');
    clients.push(repaired, untouched);
    expect(repaired.doc.getArray('edits').toArray()).toEqual([0, 1, 2, 3, 4].map((e) => `session 0 edit ${e}`));
    expect(untouched.doc.getArray('edits').length).toBe(5);
  }, 90_000);
});
