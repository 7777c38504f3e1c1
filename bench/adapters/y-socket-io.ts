/** y-socket.io's SocketIOProvider (it forces a new Socket.io connection per provider itself). */
import * as Y from 'yjs';
import { SocketIOProvider } from 'y-socket.io';
import type { Adapter, BenchClient, ConnectOptions } from './types.js';
import { createAwareness } from './presence.js';
import { nextSynced } from './synced.js';

/**
 * SocketIOProvider flips `synced` when the server's sync-step-1 arrives, which can be before the
 * server's state (the ack of the client's own step 1) has been applied. Socket.io keeps order, so
 * one more step-1 round trip after that guarantees the state is in: a probe costing one loopback RTT.
 */
function probeServerState(provider: SocketIOProvider, doc: Y.Doc): Promise<void> {
  return new Promise((resolve) => {
    provider.socket.emit('sync-step-1', Y.encodeStateVector(doc), (update: ArrayBuffer) => {
      Y.applyUpdate(doc, new Uint8Array(update), provider);
      resolve();
    });
  });
}

export const adapter: Adapter = {
  peer: 'y-socket.io',
  connect(serverUrl: string, docName: string, options: ConnectOptions = {}): BenchClient {
    const doc = options.doc ?? new Y.Doc();
    const awareness = createAwareness(doc, options.noPresence);
    // disableBc: in Node its BroadcastChannel is in-process and would bypass the server under test.
    const provider = new SocketIOProvider(serverUrl, docName, doc, { awareness, disableBc: true });
    return {
      doc,
      awareness,
      whenSynced: async () => {
        await nextSynced(
          () => provider.synced,
          (listener) => {
            provider.on('sync', listener);
            return () => provider.off('sync', listener);
          },
        );
        await probeServerState(provider, doc);
      },
      disconnect: () => provider.disconnect(),
      connect: () => provider.connect(),
      destroy: () => provider.destroy(),
    };
  },
};
