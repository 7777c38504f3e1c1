import type { Server as HttpServer } from 'node:http';
import type { Server as SocketIoServer } from 'socket.io';
import { partBytesFor } from '../shared/protocol/parts.js';
import type { ConnectionLimits, RateLimits } from './limits/types.js';
import type { ServerObserver } from './core/observer.js';
import type { RequestHandler } from './http/static-files.js';
import type { DocumentStore } from './persistence/types.js';
import type { Authenticate, Authorize } from './transport/hooks.js';
import type { VersionOptions } from './versions/options.js';

export type { RateLimit } from './limits/token-bucket.js';
export type { RateLimits } from './limits/types.js';

/**
 * Allowed browser origins: a list of exact origins ('https://app.example.com'), `true` for any
 * origin, or a single origin. See docs/SECURITY.md.
 */
export type CorsOrigins = string | string[] | boolean;

export interface QuireServerOptions {
  /** Where documents live. Default: a MemoryStore. The server closes it in `close()`. */
  store?: DocumentStore;
  /** Attach to this Socket.io server instead of creating one (its other namespaces stay yours). */
  io?: SocketIoServer;
  /** Attach to this HTTP server instead of creating one. */
  httpServer?: HttpServer;
  /** Socket.io endpoint path. Default '/socket.io'. */
  path?: string;
  /** Serve this directory (a built front-end) at `/` on the server's own HTTP server. */
  staticDir?: string;
  /**
   * Browser origins allowed to use the Socket.io endpoint and the server's own HTTP routes, besides
   * the server's own origin. Default: same origin only — a request whose Origin header names
   * another host than the one it was sent to is refused, for every transport, WebSocket included
   * (also when attached to your own `io`: document connections are refused with
   * ORIGIN_NOT_ALLOWED). `true` or '*' admits any origin. Requests without an Origin header
   * (non-browser clients) are not affected.
   */
  corsOrigins?: CorsOrigins;
  /** How long a document nobody uses stays loaded, in ms. Default 10,000. */
  unloadGraceMs?: number;
  /**
   * Largest Socket.io message accepted (Socket.io's maxHttpBufferSize, applied to every transport).
   * Default 16 MiB. A larger message closes the connection before it is parsed. When quire attaches
   * to your `io`, it uses that server's maxHttpBufferSize (Socket.io's default is 1 MB); a larger
   * maxMessageBytes is refused at start, since Socket.io would close connections below it.
   */
  maxMessageBytes?: number;
  /**
   * Largest update frame accepted in one message. Default 8 MiB. Larger frames travel in parts
   * (the server tells clients the part size), up to `maxAssembledUpdateBytes`.
   */
  maxUpdateBytes?: number;
  /**
   * Largest update accepted at all, assembled from parts (UPDATE_TOO_LARGE above it); also what one
   * connection may hold half-assembled at once. Default 64 MiB.
   */
  maxAssembledUpdateBytes?: number;
  /** Largest awareness message accepted (AWARENESS_TOO_LARGE): bounds one user's presence state. Default 32 KiB. */
  maxAwarenessBytes?: number;
  /** Documents one connection may have open at once (TOO_MANY_DOCUMENTS). Default 100. */
  maxDocumentsPerConnection?: number;
  /** Client connections (engine.io) the server holds at once; more are refused at the handshake. Default 10,000. */
  maxConnections?: number;
  /** Client connections from one address at once. Default 256. */
  maxConnectionsPerAddress?: number;
  /**
   * Take the client's address from the last X-Forwarded-For entry (set when a reverse proxy in
   * front of quire adds it), for `maxConnectionsPerAddress`. Default false.
   */
  trustProxy?: boolean;
  /** Documents loaded in memory at once; beyond it idle ones unload early, then loads get SERVER_BUSY. Default 10,000. */
  maxLoadedDocuments?: number;
  /** Encoded bytes of the loaded documents (a Y.Doc takes ~10× in memory); same behaviour. Default 256 MiB. */
  maxLoadedDocumentBytes?: number;
  /**
   * Bytes waiting to be written to one client connection behind what is being written; a client
   * that does not read is disconnected with SLOW_CONSUMER beyond it. Default 8 MiB.
   */
  maxOutgoingBytes?: number;
  /** Per-connection rate limits; each one given replaces its default. See `serverDefaults.rateLimits`. */
  rateLimits?: Partial<RateLimits>;
  authenticate?: Authenticate;
  authorize?: Authorize;
  /**
   * Re-run `authorize` for every open session this often (ms), ending sessions whose access was
   * taken away or changed (see transport/access-recheck.ts). Default 0: only when
   * `recheckAccess()` is called (e.g. by the admin API's revoke), at connect, and at the
   * principal's `expiresAt`.
   */
  recheckAccessIntervalMs?: number;
  /** Told about connections, loads, messages, acks and errors (metrics, logs). Must not throw. */
  observer?: ServerObserver;
  /**
   * On the server's own HTTP server: how long a client may take to send a whole request (headers
   * and body) before it is answered 408 and closed. Headers must arrive within the smaller of this
   * and 10 s. Node's default is 300 s, which lets slow clients hold connections and memory.
   * Default 30,000. WebSocket connections and long-polling waits are not affected.
   */
  requestTimeoutMs?: number;
  /**
   * Extra HTTP routes on the server's own HTTP server (health, metrics, admin), tried in order
   * before `staticDir`; each resolves true when it answered the request.
   */
  requestHandlers?: RequestHandler[];
  /** Version history: automatic versions, restore roots, retention, policy. See docs/VERSIONS.md. */
  versions?: VersionOptions;
}

const MiB = 1024 * 1024;

/**
 * Defaults, and why they are what they are. Every byte a client sends is untrusted; each limit
 * bounds what one connection can cost the server. An honest provider stays far below all of them:
 * it sends at most one update and one awareness message per document per event-loop turn.
 */
export const serverDefaults = {
  path: '/socket.io',
  unloadGraceMs: 10_000,
  // A request (headers and body: an admin upload, a polling POST) that takes longer is a slow client
  // holding a connection and its buffers; 30 s admits an 8 MiB upload at ~300 KB/s.
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  // Socket.io buffers a whole message before parsing it, so this bounds the memory one message can
  // take. It must exceed maxUpdateBytes (plus framing) so the update limit gives a clear code.
  maxMessageBytes: 16 * MiB,
  // A Y.Doc costs about 10× its encoded size in memory; 8 MiB admits large pastes and offline
  // catch-ups while keeping one message from costing more than ~100 MB to integrate.
  maxUpdateBytes: 8 * MiB,
  // Far above any paste a person makes, and a reconnect after a long offline session; each
  // connection may hold one such update half-assembled (memory), and a Y.Doc costs ~10× it.
  maxAssembledUpdateBytes: 64 * MiB,
  // Awareness is relayed to every client of the document many times a second; a cursor, a name and
  // a colour take well under 1 KiB.
  maxAwarenessBytes: 32 * 1024,
  // Each open document may be loaded into memory on the client's behalf: without a cap, one
  // connection could load the whole store. 100 is far more than an editor shows at once.
  maxDocumentsPerConnection: 100,
  // Every limit above is per connection; these bound the server as a whole. 10,000 connections
  // idle at ~50 KB each; a busy server needs its file-descriptor limit raised to match.
  maxConnections: 10_000,
  // Enough for an office behind one NAT address; a single host opening more is a flood.
  maxConnectionsPerAddress: 256,
  maxLoadedDocuments: 10_000,
  // About 2.5 GB of heap at ~10× the encoded size: under Node's default heap limit on 64-bit
  // machines with 8+ GB. Raise together with --max-old-space-size.
  maxLoadedDocumentBytes: 256 * MiB,
  // A client that keeps up never has more than a few messages queued; one that stops reading
  // would otherwise grow the server's queue for it without limit.
  maxOutgoingBytes: 8 * MiB,
  rateLimits: {
    // Typing produces ~10 updates per second per document; bursts cover pastes and reconnects.
    updates: { perSecond: 100, burst: 300 },
    // Bytes are what cost storage and fan-out: ~1 MiB/s sustained, a max-size update at once.
    updateBytes: { perSecond: 1 * MiB, burst: 16 * MiB },
    // A reconnect sends each open document's offline edits at once: 30 documents with 1 MB each
    // must go through without a refusal. One catch-up per sync request, and sync requests are
    // limited, so this is no back door for a flood.
    catchUpBytes: { perSecond: 4 * MiB, burst: 128 * MiB },
    // Cursors move at frame rate; the provider sends at most one message per turn.
    awareness: { perSecond: 60, burst: 180 },
    // Each open runs authentication and may load a document from the store.
    joins: { perSecond: 10, burst: 100 },
    // Each sync request encodes what the client lacks: a full document for an empty client.
    syncs: { perSecond: 10, burst: 100 },
    // Honest clients are refused only rarely (an expired token, a burst over a limit); a client
    // that keeps sending what is refused is hostile or broken, and its connection is closed.
    violations: { perSecond: 1, burst: 50 },
    // An honest provider backs off after RATE_LIMITED (500 ms, doubling per document); even 100
    // documents refused at once stay far below this. A client that ignores the refusals and
    // keeps flooding is closed.
    rateRefusals: { perSecond: 100, burst: 1_000 },
  } satisfies RateLimits,
} as const;

export function resolveLimits(
  options: QuireServerOptions,
  maxMessageBytes = options.maxMessageBytes ?? serverDefaults.maxMessageBytes,
): ConnectionLimits {
  const maxAssembledUpdateBytes = options.maxAssembledUpdateBytes ?? serverDefaults.maxAssembledUpdateBytes;
  // No single message may carry more than the whole cap allows.
  const maxUpdateBytes = Math.min(options.maxUpdateBytes ?? serverDefaults.maxUpdateBytes, maxAssembledUpdateBytes);
  const partBytes = partBytesFor(maxUpdateBytes, maxMessageBytes);
  const rates: RateLimits = { ...serverDefaults.rateLimits, ...options.rateLimits };
  // A bucket smaller than the largest allowed update would refuse that update forever.
  rates.updateBytes = { ...rates.updateBytes, burst: Math.max(rates.updateBytes.burst, maxUpdateBytes) };
  rates.catchUpBytes = { ...rates.catchUpBytes, burst: Math.max(rates.catchUpBytes.burst, maxUpdateBytes) };
  const maxDocumentsPerConnection = options.maxDocumentsPerConnection ?? serverDefaults.maxDocumentsPerConnection;
  // A connection that (re)opens every document it may hold, at once, is a service starting or any
  // client reconnecting after a drop: join and sync buckets smaller than that would refuse it, and
  // its refusals would then close the connection for its admitted documents too.
  rates.joins = { ...rates.joins, burst: Math.max(rates.joins.burst, maxDocumentsPerConnection) };
  rates.syncs = { ...rates.syncs, burst: Math.max(rates.syncs.burst, maxDocumentsPerConnection) };
  return {
    maxUpdateBytes,
    maxAssembledUpdateBytes,
    partBytes,
    maxAwarenessBytes: options.maxAwarenessBytes ?? serverDefaults.maxAwarenessBytes,
    maxDocumentsPerConnection,
    maxOutgoingBytes: options.maxOutgoingBytes ?? serverDefaults.maxOutgoingBytes,
    rates,
  };
}
