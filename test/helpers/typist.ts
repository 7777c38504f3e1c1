import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { encodeIntegratedDiff } from '../../shared/integrated-diff.js';
import { decodeSyncFrame, encodeSyncFrame } from '../../shared/protocol/sync.js';
import { rawDocumentSocket } from './raw-socket.js';

/**
 * A client that types numbered entries into its own Y.Array, one update per entry, and records
 * exactly which entries the server acknowledged. It speaks the protocol itself (handshake
 * included), so a test can check every single acknowledgement against what survives a crash.
 */
export class Typist {
  readonly doc = new Y.Doc();
  readonly acknowledged = new Set<number>();
  private next = 0;
  private socket: Socket | null = null;

  constructor(readonly name: string) {}

  get typed(): number {
    return this.next;
  }

  /** Connects and uploads whatever the server lacks (it may have lost unacknowledged entries). */
  async connect(url: string, docName: string): Promise<void> {
    const socket = await rawDocumentSocket(url, docName);
    this.socket = socket;
    socket.on('update', (frame: Uint8Array) => Y.applyUpdate(this.doc, decodeSyncFrame(frame).payload, 'server'));
    const reply = (await socket.timeout(10_000).emitWithAck('sync-step-1', encodeSyncFrame('step1', Y.encodeStateVector(this.doc)))) as {
      ok: boolean;
      step2: Uint8Array;
      step1: Uint8Array;
    };
    if (!reply.ok) throw new Error(`handshake refused: ${JSON.stringify(reply)}`);
    Y.applyUpdate(this.doc, decodeSyncFrame(reply.step2).payload, 'server');
    // Only its own entries: the server binds each client id to the session that wrote it, so the
    // entries of other typists that it relayed before a crash are theirs to upload.
    const target = Y.decodeStateVector(decodeSyncFrame(reply.step1).payload);
    for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(this.doc))) {
      if (client !== this.doc.clientID) target.set(client, Math.max(clock, target.get(client) ?? 0));
    }
    const missing = encodeIntegratedDiff(this.doc, Y.encodeStateVector(target));
    const ack = (await socket.timeout(10_000).emitWithAck('update', encodeSyncFrame('step2', missing))) as { ok: boolean };
    if (!ack.ok) throw new Error(`upload refused: ${JSON.stringify(ack)}`);
  }

  /** Types until `stop()` returns true or the connection drops; one update per entry. */
  async typeUntil(stop: () => boolean): Promise<void> {
    const socket = this.socket;
    if (socket === null) throw new Error('not connected');
    const entries = this.doc.getArray<number>(this.name);
    while (!stop() && socket.connected) {
      const seq = this.next++;
      let update: Uint8Array | null = null;
      const capture = (u: Uint8Array) => (update = u);
      this.doc.once('update', capture);
      entries.push([seq]);
      socket.emit('update', encodeSyncFrame('update', update!), (result: { ok: boolean }) => {
        if (result.ok) this.acknowledged.add(seq);
      });
      if (seq % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  close(): void {
    this.socket?.close();
    this.socket = null;
  }
}
