import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { CliProcess } from '../helpers/ops/cli-process.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

describe('the quire CLI on SIGTERM and SIGINT', () => {
  let workDir: string;
  let dataDir: string;
  let processes: CliProcess[] = [];
  let clients: TestClient[] = [];
  beforeEach(async () => {
    // The data directory inside a temp dir of its own: quire records it beside it (see OPERATING.md).
    workDir = await tempDir('cli');
    dataDir = join(workDir, 'data');
  });
  afterEach(async () => {
    destroyClients(clients);
    clients = [];
    for (const process of processes) process.kill();
    processes = [];
    await removeTempDirs();
  });

  const start = async (args: string[] = []) => {
    const started = await CliProcess.start(['--data', dataDir, ...args]);
    processes.push(started);
    return started;
  };

  it('reports not-ready first, keeps serving through the delay, then exits 0', async () => {
    const quire = await start(['--shutdown-delay-ms', '1500']);
    expect((await fetch(`${quire.url}/readyz`)).status).toBe(200);
    const exited = quire.stop('SIGTERM');
    await waitFor(async () => (await fetch(`${quire.url}/readyz`)).status === 503, '/readyz to answer 503');
    expect((await fetch(`${quire.url}/healthz`)).status).toBe(200);
    expect(await exited).toBe(0);
    const logs = quire.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string });
    const messages = logs.map((line) => line.msg);
    expect(messages.indexOf('shutting down: not ready')).toBeLessThan(messages.indexOf('stopped: documents flushed, store closed'));
  });

  it('keeps acknowledged edits across a SIGTERM and a restart on the same data directory', async () => {
    const first = await start();
    const writer = await connectSynced(first.url, 'survivor');
    clients.push(writer);
    writer.doc.getText('text').insert(0, 'still here after a restart');
    writer.doc.getMap('map').set('count', 3);
    await waitFor(() => writer.provider.pendingCount === 0, 'the edit acknowledged');
    destroyClients(clients);
    clients = [];
    expect(await first.stop('SIGINT')).toBe(0);

    const second = await start();
    const reader = await connectSynced(second.url, 'survivor');
    clients.push(reader);
    expect(reader.doc.getText('text').toString()).toBe('still here after a restart');
    expect(reader.doc.getMap('map').get('count')).toBe(3);
  });

  it('refuses a second server on the same data directory with a clear message and a non-zero exit', async () => {
    await start();
    const second = CliProcess.start(['--data', dataDir]);
    const error = await second.then(
      () => null,
      (reason: unknown) => reason as Error,
    );
    expect(error?.message).toMatch(/exited with 1 before listening/);
    expect(error?.message).toContain('could not start');
    expect(error?.message).toContain(dataDir);
    expect(error?.message).toMatch(/locked/i);
  });

  it('fails with exit 1 and the address when the port is taken', async () => {
    const first = await start();
    const port = new URL(first.url).port;
    const otherDir = join(workDir, 'other');
    try {
      const error = await CliProcess.start(['--data', otherDir, '--port', port]).then(
        () => null,
        (reason: unknown) => reason as Error,
      );
      expect(error?.message).toMatch(/exited with 1 before listening/);
      expect(error?.message).toContain('already in use');
      expect(error?.message).toContain('--port');
      expect(error?.message).toContain(port);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});
