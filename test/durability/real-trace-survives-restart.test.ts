import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { startServerProcess } from '../helpers/server-process.js';
import { applyPatch, loadAutomergePaperTrace, tracePatches } from '../helpers/trace.js';
import { waitFor } from '../helpers/wait-for.js';

describe('a real editing session survives a server restart', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('the automerge-paper trace (259,778 edits) typed through a client is restored exactly after SIGKILL', { timeout: 180_000 }, async () => {
    const trace = loadAutomergePaperTrace();
    const dataDir = await mkdtemp(join(tmpdir(), 'quire-trace-'));
    dirs.push(dataDir);
    let server = await startServerProcess({ dataDir });
    const writer = connectClient(server.url, 'paper', { transports: ['websocket'] });
    await writer.provider.whenSynced();
    const text = writer.doc.getText('text');
    let edits = 0;
    for (const patch of tracePatches(trace)) {
      applyPatch(text, patch);
      // Let the provider send while typing goes on: many messages, not one giant one.
      if (++edits % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(edits).toBe(259_778);
    expect(text.toString()).toBe(trace.endContent);
    await waitFor(() => writer.provider.pendingCount === 0, 'every edit acknowledged', 120_000, 20);
    destroyClients([writer]);

    await server.kill('SIGKILL');
    server = await startServerProcess({ dataDir, port: server.port });
    const reader = await connectSynced(server.url, 'paper');
    expect(reader.doc.getText('text').toString()).toBe(trace.endContent);
    destroyClients([reader]);
    await server.kill('SIGTERM');
  });
});
