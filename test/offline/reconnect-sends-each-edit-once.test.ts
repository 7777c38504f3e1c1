import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeSyncFrame } from '../../shared/protocol/sync.js';
import { DOC_NAMESPACE_PATTERN } from '../../shared/doc-name.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait-for.js';
import { closeClients, openClient, text } from '../helpers/offline/offline-client.js';

let running: RunningServer | undefined;

afterEach(async () => {
  closeClients();
  await running?.close();
});

it('after a reconnect the offline edits travel once, in the handshake, with no replay of stale frames', async () => {
  running = await startServer();
  const received: { event: string; type: string; bytes: number }[] = [];
  // Every frame the document namespaces receive, as the server's own handlers see them.
  running.server.io.on('new_namespace', (namespace) => {
    if (!DOC_NAMESPACE_PATTERN.test(namespace.name)) return;
    namespace.on('connection', (socket) => {
      socket.onAny((event: string, frame: unknown) => {
        if (event !== 'update' || !(frame instanceof Uint8Array)) return;
        const decoded = decodeSyncFrame(frame);
        received.push({ event, type: decoded.type, bytes: decoded.payload.byteLength });
      });
    });
  });
  const client = openClient(running.url, 'once');
  await client.provider.whenSynced();

  for (let round = 0; round < 3; round++) {
    client.provider.disconnect();
    for (let i = 0; i < 20; i++) client.doc.getText('text').insert(text(client).length, `${round}${i} `);
    const offline = Y.encodeStateAsUpdate(client.doc, Y.encodeStateVector((await running.server.registry.peek('once'))!.ydoc));
    received.length = 0;
    client.provider.connect();
    await waitFor(() => client.provider.pendingCount === 0, `round ${round} acknowledged`);
    // One frame: the handshake's step 2 with exactly what the server lacked.
    expect(received).toEqual([{ event: 'update', type: 'step2', bytes: offline.byteLength }]);
  }
});
