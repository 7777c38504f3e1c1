/**
 * The one client surface every workload drives. Each adapter wraps its peer's provider around a
 * Y.Doc from the driver's single Yjs copy, so workloads never see provider specifics.
 */
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { PeerName } from '../lib/peers.js';

export interface BenchClient {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  /**
   * Resolves once the client holds the server's state of the document (after the first connect,
   * or after the latest `connect()`).
   */
  whenSynced(): Promise<void>;
  /** Drops the connection but keeps the provider, so local edits queue as the provider queues them. */
  disconnect(): void;
  /** Reconnects after `disconnect()`. */
  connect(): void;
  destroy(): void;
  /**
   * Local updates the server has not yet acknowledged as durable. Only quire's protocol has such
   * acknowledgements; the peers leave this undefined.
   */
  unacknowledged?(): number;
}

export interface ConnectOptions {
  /** Document to sync; a new one by default. */
  doc?: Y.Doc;
  /** Publish no presence state, as an idle client that has the document open in a background tab. */
  noPresence?: boolean;
}

export interface Adapter {
  readonly peer: PeerName;
  /** `serverUrl` is `http://127.0.0.1:PORT`; adapters convert to ws:// where their client wants it. */
  connect(serverUrl: string, docName: string, options?: ConnectOptions): BenchClient;
}
