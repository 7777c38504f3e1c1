/** Hocuspocus 3.x's HocuspocusProvider, each client with its own websocket (as distinct users have). */
import * as Y from 'yjs';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { WebSocket } from 'ws';
import type { Adapter, BenchClient, ConnectOptions } from './types.js';
import { createAwareness, toWebSocketUrl } from './presence.js';
import { nextSynced } from './synced.js';

/**
 * ws emits 'error' when a socket still connecting is closed, and the provider closes it so when
 * destroyed mid-reconnect (a slow join storm); with no listener that error would end the driver.
 */
class QuietOnCloseWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on('error', () => {});
  }
}

export const adapter: Adapter = {
  peer: 'hocuspocus',
  connect(serverUrl: string, docName: string, options: ConnectOptions = {}): BenchClient {
    const doc = options.doc ?? new Y.Doc();
    const awareness = createAwareness(doc, options.noPresence);
    const provider = new HocuspocusProvider({
      url: toWebSocketUrl(serverUrl),
      name: docName,
      document: doc,
      awareness,
      // Node 20 has no global WebSocket; the provider forwards this to its own websocket provider.
      WebSocketPolyfill: QuietOnCloseWebSocket,
    } as ConstructorParameters<typeof HocuspocusProvider>[0]);
    return {
      doc,
      awareness,
      whenSynced: () =>
        nextSynced(
          () => provider.isSynced,
          (listener) => {
            const onSynced = ({ state }: { state: boolean }): void => listener(state);
            provider.on('synced', onSynced);
            return () => provider.off('synced', onSynced);
          },
        ),
      disconnect: () => provider.disconnect(),
      connect: () => void provider.connect(),
      destroy: () => provider.destroy(),
    };
  },
};
