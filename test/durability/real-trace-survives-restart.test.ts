import { afterAll, describe, expect, it } from 'vitest';
import { connectClient, connectSynced, destroyClients } from '../helpers/clients.js';
import { startServerProcess } from '../helpers/server-process.js';
import { applyPatch, loadAutomergePaperTrace, tracePatches } from '../helpers/trace.js';
import { waitFor } from '../helpers/wait-for.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

describe('a real editing session survives a server restart', () => {
  afterAll(async () => {
    await removeTempDirs();
  });

  it('the automerge-paper trace (259,778 edits) typed through a client is restored exactly after SIGKILL', {
    timeout: 180_000,
  }, async () => {
    const trace = loadAutomergePaperTrace();
    const dataDir = await tempDir('trace');
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
