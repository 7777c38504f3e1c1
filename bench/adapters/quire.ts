/**
 * quire's QuireProvider. Each bench client gets a Socket.io Manager (connection) of its own, as
 * distinct users would have; by default the provider shares one connection per URL between the
 * documents of one process, which would make 100 simulated users one TCP connection. WebSocket
 * transport from the start, as y-socket.io's client uses, so connect times compare like for like.
 */
import * as Y from 'yjs';
import { Manager } from 'socket.io-client';
import { QuireProvider } from '../../client/index.js';
import type { Adapter, BenchClient, ConnectOptions } from './types.js';
import { createAwareness } from './presence.js';

export const adapter: Adapter = {
  peer: 'quire',
  connect(serverUrl: string, docName: string, options: ConnectOptions = {}): BenchClient {
    const doc = options.doc ?? new Y.Doc();
    const awareness = createAwareness(doc, options.noPresence);
    const manager = new Manager(serverUrl, { transports: ['websocket'], autoConnect: false });
    const provider = new QuireProvider(serverUrl, docName, doc, { awareness, manager });
    return {
      doc,
      awareness,
      whenSynced: () => provider.whenSynced(),
      disconnect: () => provider.disconnect(),
      connect: () => provider.connect(),
      destroy: () => {
        provider.destroy();
        // The provider leaves a Manager it was handed to its owner.
        manager._close();
      },
      unacknowledged: () => provider.pendingCount,
    };
  },
};
