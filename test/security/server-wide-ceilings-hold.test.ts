import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ErrorEvent } from '../../server/core/observer.js';
import { encodeSyncFrame } from '../../shared/protocol/sync.js';
import { connectRaw, emitWithAck, type RawSocket, rawSocket, whenConnected } from '../helpers/raw-socket.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';

const emptyStep1 = () => encodeSyncFrame('step1', Y.encodeStateVector(new Y.Doc()));

describe('server-wide ceilings bound connections and loaded documents', () => {
  let running: RunningServer;
  let raw: RawSocket[] = [];
  afterEach(async () => {
    for (const socket of raw) socket.close();
    raw = [];
    await running?.close();
  });

  async function refused(socket: RawSocket): Promise<boolean> {
    raw.push(socket);
    try {
      await whenConnected(socket);
      return false;
    } catch {
      return true;
    }
  }

  it('refuses connections beyond maxConnections and admits again once one closed', async () => {
    const errors: ErrorEvent[] = [];
    running = await startServer({ maxConnections: 2, observer: { error: (e) => errors.push(e) } });
    const first = await connectRaw(running.url, 'a');
    raw.push(first, await connectRaw(running.url, 'b'));
    expect(await refused(rawSocket(running.url, 'c'))).toBe(true);
    expect(errors.map((e) => e.code)).toContain('TOO_MANY_CONNECTIONS');
    first.close();
    await waitFor(() => running.server.io.engine.clientsCount === 1, 'one closed');
    expect(await refused(rawSocket(running.url, 'c'))).toBe(false);
  });

  it('refuses connections beyond maxConnectionsPerAddress', async () => {
    running = await startServer({ maxConnectionsPerAddress: 1 });
    raw.push(await connectRaw(running.url, 'a'));
    expect(await refused(rawSocket(running.url, 'b'))).toBe(true);
  });

  it('unloads idle documents early for a new one, and answers SERVER_BUSY when all are in use', async () => {
    running = await startServer({ maxLoadedDocuments: 2, unloadGraceMs: 60_000 });
    const a = await connectRaw(running.url, 'doc-a');
    const b = await connectRaw(running.url, 'doc-b');
    const c = await connectRaw(running.url, 'doc-c');
    raw.push(a, b, c);
    expect(await emitWithAck(a, 'sync-step-1', emptyStep1())).toMatchObject({ ok: true });
    expect(await emitWithAck(b, 'sync-step-1', emptyStep1())).toMatchObject({ ok: true });
    expect(await emitWithAck(c, 'sync-step-1', emptyStep1())).toMatchObject({ ok: false, code: 'SERVER_BUSY' });
    // doc-a's only client leaves: it is idle (in its grace period) and makes room at once.
    a.close();
    await waitFor(() => running.server.io._nsps.get('/doc/doc-a') === undefined, 'a left');
    expect(await emitWithAck(c, 'sync-step-1', emptyStep1())).toMatchObject({ ok: true });
    expect(running.server.registry.isLoaded('doc-a')).toBe(false);
    expect(running.server.registry.loadedCount).toBe(2);
  });

  it("counts the loaded documents' bytes against maxLoadedDocumentBytes", async () => {
    running = await startServer({ maxLoadedDocumentBytes: 10_000, unloadGraceMs: 60_000 });
    const big = await connectRaw(running.url, 'big');
    raw.push(big);
    await emitWithAck(big, 'sync-step-1', emptyStep1());
    const doc = new Y.Doc();
    doc.getText('text').insert(0, 'x'.repeat(20_000));
    expect(await emitWithAck(big, 'update', encodeSyncFrame('update', Y.encodeStateAsUpdate(doc)))).toMatchObject({ ok: true });
    expect(running.server.registry.loadedBytes).toBeGreaterThan(10_000);
    const other = await connectRaw(running.url, 'other');
    raw.push(other);
    expect(await emitWithAck(other, 'sync-step-1', emptyStep1())).toMatchObject({ ok: false, code: 'SERVER_BUSY' });
  });
});
