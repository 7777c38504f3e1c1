/** y-websocket 1.5.x's WebsocketProvider, one WebSocket (the `ws` package) per client. */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { WebSocket } from 'ws';
import type { Adapter, BenchClient, ConnectOptions } from './types.js';
import { createAwareness, toWebSocketUrl } from './presence.js';
import { nextSynced } from './synced.js';

export const adapter: Adapter = {
  peer: 'y-websocket',
  connect(serverUrl: string, docName: string, options: ConnectOptions = {}): BenchClient {
    const doc = options.doc ?? new Y.Doc();
    const awareness = createAwareness(doc, options.noPresence);
    const provider = new WebsocketProvider(toWebSocketUrl(serverUrl), docName, doc, {
      awareness,
      // ws is API-compatible with the browser WebSocket the typings describe.
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      // In Node, y-websocket's BroadcastChannel falls back to an in-process channel: clients of one
      // process would sync through it and bypass the server under test.
      disableBc: true,
    });
    return {
      doc,
      awareness,
      whenSynced: () =>
        nextSynced(
          () => provider.synced,
          (listener) => {
            provider.on('sync', listener);
            return () => provider.off('sync', listener);
          },
        ),
      disconnect: () => provider.disconnect(),
      connect: () => provider.connect(),
      destroy: () => provider.destroy(),
    };
  },
};
