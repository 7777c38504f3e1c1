/**
 * Bounds what waits to be written to one client connection.
 *
 * Security: a client that answers heartbeats but reads nothing leaves everything sent to it in
 * the server's queue for that connection (engine.io's write buffer), which grows with every
 * broadcast of a busy document. What waits *behind* the write in progress is counted, so a large
 * message being written (a whole document for a joiner on a slow link) does not count against the
 * client, only what piles up behind it. Over the ceiling, the queue is dropped, the client's
 * documents are told SLOW_CONSUMER (next in line, should it ever read again) and the connection
 * is closed; if it still does not drain, it is closed hard after a short while. A provider that
 * reconnects re-syncs by state vectors, so it misses nothing.
 */
import createDebug from 'debug';

const debug = createDebug('quire:server:outgoing');

/** How long a slow consumer gets to read its SLOW_CONSUMER notice before the transport is cut. */
const CLOSE_GRACE_MS = 5_000;

interface EnginePacket {
  data?: unknown;
  options?: { wsPreEncodedFrame?: readonly Uint8Array[] };
}

/** The engine.io connection internals this relies on (engine.io 6). */
export interface EngineConnection {
  writeBuffer: EnginePacket[];
  packetsFn?: unknown[];
  readyState: string;
  /** The websocket transport's `ws` socket, whose close would wait 30 s for a peer that does not read. */
  transport?: { socket?: { terminate?: () => void } };
  on(event: 'packetCreate', listener: (packet: EnginePacket) => void): void;
  on(event: 'flush', listener: () => void): void;
  once(event: 'close', listener: () => void): void;
  close(discard?: boolean): void;
}

function packetBytes(packet: EnginePacket): number {
  const frames = packet.options?.wsPreEncodedFrame;
  if (frames !== undefined) return frames.reduce((sum, frame) => sum + frame.byteLength, 0);
  const { data } = packet;
  if (typeof data === 'string') return data.length;
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return data.byteLength;
  return 0;
}

/**
 * Watches one connection's queue; calls `exceeded` once when more than `maxBytes` wait. `exceeded`
 * gets a function that closes the connection after the notices it queued were given a chance.
 */
export function guardOutgoing(conn: EngineConnection, maxBytes: number, exceeded: (close: () => void) => void): void {
  let queued = 0;
  let tripped = false;
  conn.on('packetCreate', (packet) => {
    if (tripped) return;
    queued += packetBytes(packet);
    if (queued <= maxBytes) return;
    tripped = true;
    debug('%d bytes wait for a client that does not read: closing it', queued);
    conn.writeBuffer.length = 0;
    if (conn.packetsFn !== undefined) conn.packetsFn.length = 0;
    exceeded(() => {
      conn.close();
      // Even a closed engine.io connection leaves its WebSocket waiting 30 s for the peer's close
      // frame, which a client that does not read never sends: cut it after the grace.
      const timer = setTimeout(() => {
        if (conn.readyState !== 'closed') conn.close(true);
        conn.transport?.socket?.terminate?.();
      }, CLOSE_GRACE_MS);
      timer.unref?.();
    });
  });
  // engine.io hands the whole buffer to the transport when it can write.
  conn.on('flush', () => {
    queued = 0;
  });
}
