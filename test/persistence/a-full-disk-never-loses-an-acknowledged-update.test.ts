import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { CliProcess } from '../helpers/ops/cli-process.js';
import { metric, scrape } from '../helpers/ops/prometheus.js';
import { type Tmpfs, mountTmpfs } from '../helpers/persistence/tmpfs.js';

/**
 * The reproduction of a full disk, on a real 6 MiB tmpfs with the real CLI: fill the disk, write
 * (refused), free space, write more (acknowledged), then SIGKILL or SIGTERM and restart. Before
 * the fix, LevelDB's log kept a damaged record from the failed write and silently dropped every
 * later, acknowledged one when it was recovered.
 */
let tmpfs: Tmpfs | null = null;
let unavailable = '';
beforeAll(async () => {
  const mounted = await mountTmpfs(6);
  if ('unavailable' in mounted) unavailable = mounted.unavailable;
  else tmpfs = mounted;
});
afterAll(async () => {
  await tmpfs?.unmount();
});

const ADMIN = 'admin-token-for-the-disk-full-test';
let processes: CliProcess[] = [];
let clients: TestClient[] = [];
afterEach(async () => {
  destroyClients(clients);
  clients = [];
  for (const quire of processes) quire.kill();
  processes = [];
});

/** Each edit pushes its number onto the document's 'edits' array, with a paragraph of text. */
function edit(client: TestClient, n: number): void {
  client.doc.transact(() => {
    client.doc.getArray<number>('edits').push([n]);
    client.doc.getText('text').insert(0, `edit ${n}: ${'lorem ipsum '.repeat(40)}\n`);
  });
}

const acknowledged = (client: TestClient) => client.provider.pendingCount === 0;
const acks = async (url: string) => metric(await scrape(url), 'quire_update_ack_duration_seconds_count');

describe.each(['SIGKILL', 'SIGTERM'] as const)('a disk that fills up, then frees space, then %s', (signal) => {
  it('keeps every acknowledged update, and acknowledges nothing while the store is bad', async (ctx) => {
    if (tmpfs === null) return ctx.skip(unavailable);
    const dataDir = join(tmpfs.path, `data-${signal}`);
    const start = async () => {
      const quire = await CliProcess.start(['--data', dataDir, '--unload-grace-ms', '60000', '--admin-token', ADMIN]);
      processes.push(quire);
      return quire;
    };
    const quire = await start();
    const notes = await connectSynced(quire.url, 'notes');
    const other = await connectSynced(quire.url, 'other');
    clients.push(notes, other);
    let next = 0;
    for (let i = 0; i < 10; i++) edit(notes, next++);
    edit(other, 1000);
    await waitFor(() => acknowledged(notes) && acknowledged(other), 'the first edits acknowledged');

    // Fill the disk: writes fail, the store stops accepting, nothing is acknowledged.
    const filler = tmpfs.fill();
    for (let i = 0; i < 20; i++) edit(notes, next++);
    await waitFor(async () => (await fetch(`${quire.url}/readyz`)).status === 503, '/readyz to fail', 15_000);
    const readiness = (await (await fetch(`${quire.url}/readyz`)).json()) as Record<string, unknown>;
    expect(readiness).toMatchObject({ ready: false, store: 'unavailable', reason: 'write-failed' });
    const acksWhileBad = await acks(quire.url);
    edit(other, 1001);
    // Clients retry meanwhile (and are refused): give them time to.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(acknowledged(notes)).toBe(false);
    expect(acknowledged(other)).toBe(false);
    const metrics = await scrape(quire.url);
    expect(metric(metrics, 'quire_update_ack_duration_seconds_count')).toBe(acksWhileBad);
    expect(metric(metrics, 'quire_store_accepting')).toBe(0);
    expect(metric(metrics, 'quire_store_unavailable{reason="write-failed"}')).toBe(1);

    // Space returns: the store reopens, checks itself and accepts; the retries are acknowledged.
    await rm(filler);
    await waitFor(async () => (await fetch(`${quire.url}/readyz`)).status === 200, '/readyz to recover', 20_000);
    await waitFor(() => acknowledged(notes) && acknowledged(other), 'the retried edits acknowledged', 20_000);
    expect(metric(await scrape(quire.url), 'quire_store_recoveries_total')).toBeGreaterThanOrEqual(1);

    // More writes after recovery, to both documents: acknowledged, and they must survive.
    for (let i = 0; i < 20; i++) edit(notes, next++);
    edit(other, 1002);
    await waitFor(() => acknowledged(notes) && acknowledged(other), 'the later edits acknowledged');
    destroyClients(clients);
    clients = [];

    const exit = await quire.stop(signal);
    if (signal === 'SIGTERM') expect(exit).toBe(0);

    const restarted = await start();
    const notesAgain = await connectSynced(restarted.url, 'notes');
    const otherAgain = await connectSynced(restarted.url, 'other');
    clients.push(notesAgain, otherAgain);
    expect([...notesAgain.doc.getArray<number>('edits').toArray()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: next }, (_, i) => i),
    );
    expect([...otherAgain.doc.getArray<number>('edits').toArray()].sort((a, b) => a - b)).toEqual([1000, 1001, 1002]);
    const listed = (await (await fetch(`${restarted.url}/admin/documents`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as {
      documents: Array<{ name: string; problem?: string }>;
    };
    expect(listed.documents.filter((d) => d.problem !== undefined)).toEqual([]);
  }, 120_000);
});
