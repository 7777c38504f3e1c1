import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { CliProcess } from '../helpers/ops/cli-process.js';
import { metric, scrape } from '../helpers/ops/prometheus.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

/**
 * An operator's mistake under a running server: the data directory removed (`rm -rf`) or swapped
 * for another. LevelDB keeps writing through its open files into the removed one, so writes
 * "succeed" and vanish; the server must notice within seconds, stop acknowledging, fail /readyz,
 * exit 1 from a shutdown that could not flush, and not start on an empty directory afterwards.
 */
describe('a data directory that vanishes or is swapped under a running server', () => {
  let workDir: string;
  let dataDir: string;
  let processes: CliProcess[] = [];
  let clients: TestClient[] = [];
  beforeEach(async () => {
    workDir = await tempDir('vanish');
    dataDir = join(workDir, 'data');
  });
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    for (const quire of processes) quire.kill();
    processes = [];
    await removeTempDirs();
  });

  const start = async () => {
    const quire = await CliProcess.start(['--data', dataDir, '--unload-grace-ms', '60000']);
    processes.push(quire);
    return quire;
  };
  const readyz = async (url: string) => {
    const response = await fetch(`${url}/readyz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const logLines = (quire: CliProcess) =>
    quire.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('removed: stops acknowledging within seconds, fails /readyz, exits 1 on SIGTERM, and a restart refuses the empty directory', async () => {
    const quire = await start();
    const client = await connectSynced(quire.url, 'notes');
    clients.push(client);
    client.doc.getText('text').insert(0, 'stored before the removal. ');
    await waitFor(() => client.provider.pendingCount === 0, 'the first edit acknowledged');

    await rm(dataDir, { recursive: true, force: true });
    await waitFor(async () => (await readyz(quire.url)).status === 503, '/readyz to fail', 5000);
    expect((await readyz(quire.url)).body).toMatchObject({ ready: false, store: 'unavailable', reason: 'directory-missing' });
    expect(metric(await scrape(quire.url), 'quire_store_unavailable{reason="directory-missing"}')).toBe(1);
    expect(logLines(quire).some((l) => l.level === 50 && l.reason === 'directory-missing')).toBe(true);

    for (let i = 0; i < 20; i++) client.doc.getText('text').insert(0, `edit ${i} after the removal. `);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(client.provider.pendingCount).toBeGreaterThan(0);

    expect(await quire.stop('SIGTERM')).toBe(1);
    expect(
      logLines(quire).some((l) => typeof l.msg === 'string' && l.msg.startsWith('stopped WITHOUT flushing') && l.unflushed === 1),
    ).toBe(true);

    const error = await start().then(
      () => null,
      (reason: unknown) => reason as Error,
    );
    expect(error?.message).toMatch(/exited with 1 before listening/);
    expect(error?.message).toContain(`The data directory ${dataDir} is missing`);
    expect(error?.message).toMatch(/delete .*\.data\.quire-data/);
  }, 90_000);

  it('swapped: stops acknowledging; swapped back, it reopens, acknowledges again and keeps everything', async () => {
    const quire = await start();
    const client = await connectSynced(quire.url, 'notes');
    clients.push(client);
    client.doc.getArray<number>('edits').push([1]);
    await waitFor(() => client.provider.pendingCount === 0, 'the first edit acknowledged');

    const aside = join(workDir, 'data.aside');
    await rename(dataDir, aside);
    await mkdir(dataDir);
    await waitFor(async () => (await readyz(quire.url)).status === 503, '/readyz to fail', 5000);
    expect((await readyz(quire.url)).body).toMatchObject({ reason: 'directory-replaced' });
    client.doc.getArray<number>('edits').push([2]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(client.provider.pendingCount).toBeGreaterThan(0);

    // The very same directory comes back: the store reopens it, checks it, and goes on.
    await rm(dataDir, { recursive: true });
    await rename(aside, dataDir);
    await waitFor(async () => (await readyz(quire.url)).status === 200, '/readyz to recover', 10_000);
    await waitFor(() => client.provider.pendingCount === 0, 'the retried edit acknowledged', 20_000);
    destroyClients(clients);
    clients = [];
    expect(await quire.stop('SIGTERM')).toBe(0);

    // And it kept everything through the swap and back.
    const restarted = await start();
    const reader = await connectSynced(restarted.url, 'notes');
    clients.push(reader);
    expect(reader.doc.getArray<number>('edits').toArray()).toEqual([1, 2]);
  }, 90_000);
});
