import type { Server as HttpServer } from 'node:http';
import type { Server as SocketIoServer } from 'socket.io';
import type { DocumentStore } from './persistence/types.js';
import type { Authenticate, Authorize } from './transport/hooks.js';

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
  /** Allowed CORS origins for the Socket.io endpoint. Default: same origin only. */
  corsOrigins?: string | string[] | boolean;
  /** How long a document nobody uses stays loaded, in ms. Default 10,000. */
  unloadGraceMs?: number;
  /** Largest Socket.io message accepted (Socket.io's maxHttpBufferSize). Default 16 MiB. */
  maxMessageBytes?: number;
  /** Largest update frame accepted. Default 8 MiB. */
  maxUpdateBytes?: number;
  /** Largest awareness message accepted. Default 32 KiB. */
  maxAwarenessBytes?: number;
  authenticate?: Authenticate;
  authorize?: Authorize;
}

export const serverDefaults = {
  path: '/socket.io',
  unloadGraceMs: 10_000,
  maxMessageBytes: 16 * 1024 * 1024,
  maxUpdateBytes: 8 * 1024 * 1024,
  maxAwarenessBytes: 32 * 1024,
} as const;
