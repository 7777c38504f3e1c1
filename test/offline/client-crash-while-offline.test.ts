import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { FileOfflineStore } from '../../client/offline/file-store.js';
import { waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient, text } from '../helpers/offline/offline-client.js';
import { ServerProcesses } from '../helpers/server-process.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

const servers = new ServerProcesses({ unloadGraceMs: 50, anyOrigin: true });
const clientFixture = fileURLToPath(new URL('../helpers/processes/offline-client.ts', import.meta.url));
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  closeClients();
  await servers.crashAll();
  await removeTempDirs();
});

it('edits of a client process killed while offline are restored from its file store and reach the server', async () => {
  const [data, offlineDir] = await Promise.all([tempDir('offline'), tempDir('offline')]);
  const first = await servers.start(data);
  await first.crash(); // the server is down for the whole life of the client process

  const words = 'packed on the night train';
  child = spawn(
    process.execPath,
    ['--import', 'tsx', clientFixture, '--url', first.url, '--dir', offlineDir, '--doc', 'crash-notes', '--words', words],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = once(child, 'exit');
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  expect(JSON.parse(line)).toEqual({ stored: 5 });
  child.kill('SIGKILL');
  await exited;

  const restarted = await servers.start(data, first.port);
  const recovered = openClient(restarted.url, 'crash-notes', { offline: new FileOfflineStore({ directory: offlineDir }) });
  await recovered.provider.whenRestored();
  expect(recovered.provider.pendingCount).toBe(5);
  await waitFor(() => recovered.saves() === 1, 'saved');
  const reader = openClient(restarted.url, 'crash-notes');
  await reader.provider.whenSynced();
  expect(text(reader)).toBe(`${words} `);
});
