/**
 * A Socket.io adapter that delivers a broadcast with one binary attachment as ONE write per
 * WebSocket receiver.
 *
 * Why: Socket.io encodes `emit('update', bytes)` as two engine.io packets (a text header and the
 * binary attachment). Each is framed and written separately for every receiver, and the second
 * waits for the first one's write callback: two syscalls and two framings per receiver. Fan-out
 * is quire's hottest path, so we frame both WebSocket messages once per broadcast, concatenate
 * them, and hand every WebSocket receiver that one buffer (engine.io's pre-encoded frame path).
 * The wire format is unchanged: receivers see exactly the two frames Socket.io would have sent.
 * Receivers on long-polling, and packets of any other shape, take Socket.io's normal path.
 */
import { Adapter, type BroadcastOptions } from 'socket.io-adapter';
import { createRequire } from 'node:module';

interface EnginePacketOptions {
  preEncoded: true;
  volatile?: boolean | undefined;
  compress?: boolean | undefined;
  wsPreEncodedFrame?: Buffer[];
}

interface BroadcastTarget {
  notifyOutgoingListeners?: (packet: unknown) => void;
  client: {
    writeToEngine(packets: unknown[], options: EnginePacketOptions): void;
    conn: {
      transport: { name: string; writable: boolean; perMessageDeflate?: unknown };
      write(data: unknown, options: EnginePacketOptions): void;
    };
  };
}

type Frame = (data: Buffer, options: { readOnly: boolean; mask: boolean; rsv1: boolean; opcode: number; fin: boolean }) => Buffer[];
// ws's ESM entry does not expose Sender.frame; its CommonJS entry does (Socket.io uses the same).
const frame = (createRequire(import.meta.url)('ws') as { Sender: { frame: Frame } }).Sender.frame;

function webSocketFrame(data: Buffer, opcode: 1 | 2): Buffer {
  return Buffer.concat(frame(data, { readOnly: false, mask: false, rsv1: false, opcode, fin: true }));
}

export class SingleFrameAdapter extends Adapter {
  override broadcast(packet: { nsp?: string; [key: string]: unknown }, opts: BroadcastOptions): void {
    packet.nsp = this.nsp.name;
    const encoded = (this as unknown as { encoder: { encode(p: unknown): unknown[] } }).encoder.encode(packet);
    const [header, attachment] = encoded;
    if (encoded.length !== 2 || typeof header !== 'string' || !(attachment instanceof Uint8Array)) {
      super.broadcast(packet, opts);
      return;
    }
    const flags = opts.flags ?? {};
    const plain: EnginePacketOptions = { preEncoded: true, volatile: flags.volatile, compress: flags.compress };
    let single: EnginePacketOptions | null = null;
    // `apply` walks the rooms and exceptions exactly as Socket.io's own broadcast does.
    const apply = (this as unknown as { apply(o: BroadcastOptions, fn: (socket: unknown) => void): void }).apply;
    apply.call(this, opts, (socket) => {
      const target = socket as unknown as BroadcastTarget;
      target.notifyOutgoingListeners?.(packet);
      const { conn } = target.client;
      if (conn.transport.name !== 'websocket' || conn.transport.perMessageDeflate) {
        target.client.writeToEngine(encoded, plain);
        return;
      }
      if (flags.volatile && !conn.transport.writable) return;
      // "4" is engine.io's message type; binary messages travel raw.
      single ??= {
        ...plain,
        wsPreEncodedFrame: [
          Buffer.concat([
            webSocketFrame(Buffer.from('4' + header), 1),
            webSocketFrame(Buffer.from(attachment.buffer, attachment.byteOffset, attachment.byteLength), 2),
          ]),
        ],
      };
      conn.write(header, single);
    });
  }
}
