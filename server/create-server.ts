/**
 * `createServer`: wires the document registry (core), the Socket.io transport and an optional HTTP
 * server together, and shuts them down in the order that loses nothing.
 */
import createDebug from 'debug';
import { type Server as HttpServer, type IncomingMessage, type ServerResponse, createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import * as Y from 'yjs';
import { DOC_NAMESPACE_PATTERN, canonicalDocName, docNamespace } from '../shared/doc-name.js';
import { ErrorCodes, errorInfo } from '../shared/errors.js';
import { ownersDocumentName } from './core/client-id-owners.js';
import { safeObserver } from './core/observer.js';
import { DocumentRegistry } from './core/registry.js';
import { type DocumentHandle, openDocumentHandle } from './document-handle.js';
import { applyCors, normalizeCorsOrigins, originGate, requestOriginAllowed } from './http/cors.js';
import { staticFiles } from './http/static-files.js';
import { type QuireServerOptions, resolveLimits, serverDefaults } from './options.js';
import { MemoryStore } from './persistence/memory-store.js';
import type { DocumentStore } from './persistence/types.js';
import { ConnectionBudgets } from './transport/budgets.js';
import { namespaceChannel } from './transport/channel.js';
import { handleConnection } from './transport/connection.js';
import { handshakeMiddleware, refusal } from './transport/handshake.js';
import { limitConnections } from './transport/connection-ceilings.js';
import { cleanUpDocumentNamespaces } from './transport/namespace-cleanup.js';
import { SingleFrameAdapter } from './transport/single-frame-adapter.js';
import { AutoVersions } from './versions/auto.js';
import { resolveVersionOptions } from './versions/options.js';
import { type ServerVersions, VersionService } from './versions/service.js';
import { assertSocketIoInternals } from './transport/socket-io-internals.js';
import { type RecheckResult, recheckAccess } from './transport/access-recheck.js';
import type { QuireIo, QuireNamespace, QuireSocket } from './transport/types.js';

const debug = createDebug('quire:server');

export interface ListenAddress {
  host: string;
  port: number;
  url: string;
}

export interface QuireServer {
  readonly io: QuireIo;
  readonly httpServer: HttpServer | null;
  readonly store: DocumentStore;
  readonly registry: DocumentRegistry;
  /** Version history of the documents (docs/VERSIONS.md); VERSIONS_UNAVAILABLE when the store keeps none. */
  readonly versions: ServerVersions;
  listen(port?: number, host?: string): Promise<ListenAddress>;
  /** Whether the document is in memory now (clients connected, or within the unload grace). */
  isLoaded(name: string): boolean;
  /** A loaded document's whole state as one update; null when it is not loaded. Never loads it. */
  loadedState(name: string): Promise<Uint8Array | null>;
  /**
   * Re-runs `authorize` for the open sessions (of one document, or all) now: sessions whose access
   * was refused or changed get PERMISSION_DENIED or ACCESS_CHANGED and are ended.
   */
  recheckAccess(filter?: { docName?: string }): Promise<RecheckResult>;
  /** Server-side access to a document; its edits reach connected clients and the store. */
  openDocument(name: string): Promise<DocumentHandle>;
  /**
   * Deletes every stored record of a document. Its clients are disconnected first and its
   * in-memory copy dropped, so nothing writes it back. Resolves false when nothing was stored.
   */
  deleteDocument(name: string): Promise<boolean>;
  /** Stops accepting, disconnects clients, flushes every document, closes the store. Idempotent. */
  close(): Promise<void>;
}

export function createServer(options: QuireServerOptions = {}): QuireServer {
  const store = options.store ?? new MemoryStore();
  const ownsIo = options.io === undefined;
  const ownsHttp = ownsIo && options.httpServer === undefined;
  const corsOrigins = normalizeCorsOrigins(options.corsOrigins);
  const observer = safeObserver(options.observer);
  const handlers = [...(options.requestHandlers ?? [])];
  if (options.staticDir !== undefined) handlers.push(staticFiles(options.staticDir));
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    for (const handler of handlers) if (await handler(req, res)) return true;
    return false;
  };

  const requestTimeout = options.requestTimeoutMs ?? serverDefaults.requestTimeoutMs;
  const httpServer: HttpServer | null = ownsHttp
    ? createHttpServer(
        {
          // 0 turns the request timeout off (as in Node); headers keep theirs.
          requestTimeout,
          headersTimeout:
            requestTimeout === 0 ? serverDefaults.headersTimeoutMs : Math.min(serverDefaults.headersTimeoutMs, requestTimeout),
          // How often Node checks those timeouts (default 30 s, which would nearly double them).
          connectionsCheckingInterval: 1_000,
        },
        (req, res) => {
          res.setHeader('x-content-type-options', 'nosniff');
          if (applyCors(req, res, corsOrigins)) return;
          handle(req, res)
            .then((done) => {
              if (!done && !res.headersSent) res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
            })
            .catch((error: unknown) => {
              debug('HTTP request %s failed: %O', req.url, error);
              if (!res.headersSent) res.writeHead(500).end();
              else res.destroy();
            });
        },
      )
    : (options.httpServer ?? null);

  const maxMessageBytes = messageLimit(options);
  const io: QuireIo =
    (options.io as QuireIo | undefined) ??
    new SocketIoServer(httpServer ?? undefined, {
      path: options.path ?? serverDefaults.path,
      maxHttpBufferSize: maxMessageBytes,
      // Socket.io's own cleanup is wrong for document namespaces (transport/namespace-cleanup.ts
      // replaces it there); on our own server nothing else has child namespaces.
      cleanupEmptyChildNamespaces: true,
      serveClient: false,
      adapter: SingleFrameAdapter,
      ...(corsOrigins === undefined ? {} : { cors: { origin: corsOrigins } }),
      // Same origin by default, for every transport: see http/cors.ts.
      ...(corsOrigins === true ? {} : { allowRequest: originGate(corsOrigins) }),
    });

  const documents: QuireNamespace = io.of(DOC_NAMESPACE_PATTERN);
  // Before anything relies on them: an upgraded or foreign Socket.io fails here, loudly.
  assertSocketIoInternals(io, documents, ownsIo);

  const namespaceOf = (namespaceName: string) => io._nsps.get(namespaceName) as QuireNamespace | undefined;
  const registry = new DocumentRegistry({
    store,
    channelFor: (docName) => {
      // Computed once per loaded document: broadcasts look the namespace up on every send.
      const namespaceName = docNamespace(docName);
      return namespaceChannel(
        () => namespaceOf(namespaceName),
        (kind, bytes, receivers) => observer.messageSent({ docName, kind, bytes, receivers }),
      );
    },
    unloadGraceMs: options.unloadGraceMs ?? serverDefaults.unloadGraceMs,
    onBroken: (docName) => namespaceOf(docNamespace(docName))?.disconnectSockets(false),
    ceilings: {
      maxLoadedDocuments: options.maxLoadedDocuments ?? serverDefaults.maxLoadedDocuments,
      maxLoadedBytes: options.maxLoadedDocumentBytes ?? serverDefaults.maxLoadedDocumentBytes,
    },
    observer,
  });
  limitConnections(
    io,
    {
      maxConnections: options.maxConnections ?? serverDefaults.maxConnections,
      maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? serverDefaults.maxConnectionsPerAddress,
      trustProxy: options.trustProxy ?? false,
    },
    observer,
  );

  const versionService = new VersionService(store, registry, resolveVersionOptions(options.versions), (docName, event, payload) => {
    namespaceOf(docNamespace(docName))?.emit(event, payload as never);
  });
  const autoVersions = new AutoVersions(versionService);
  const connectionVersions = versionService.available ? { service: versionService, auto: autoVersions } : undefined;

  // Document namespaces come and go with their clients; drop empty ones (only ours: an app's own
  // namespaces on an attached Socket.io server keep the app's settings).
  cleanUpDocumentNamespaces(io, documents);
  const budgets = new ConnectionBudgets(resolveLimits(options, maxMessageBytes), (socket) =>
    observer.error({ docName: socket.data.docName ?? null, code: ErrorCodes.SLOW_CONSUMER, operation: 'outgoing' }),
  );
  const originAllowed =
    corsOrigins === true ? undefined : (headers: Parameters<typeof requestOriginAllowed>[0]) => requestOriginAllowed(headers, corsOrigins);
  documents.use(
    handshakeMiddleware({ authenticate: options.authenticate, authorize: options.authorize, budgets, observer, originAllowed }),
  );
  documents.on('connection', (socket) => handleConnection(socket, registry, budgets, observer, connectionVersions));
  // Socket.io admits anyone to its main namespace. On a server of our own nothing lives there, so
  // refuse it rather than hold a socket per connection for nothing; an app's own io keeps its '/'.
  if (ownsIo) io.of('/').use((_socket, next) => next(refusal(errorInfo(ErrorCodes.BAD_DOC_NAME, 'Only document namespaces are served.'))));

  const documentSockets = (docName?: string): QuireSocket[] => {
    const sockets: QuireSocket[] = [];
    for (const nsp of io._nsps.values()) {
      if (!DOC_NAMESPACE_PATTERN.test(nsp.name)) continue;
      for (const socket of nsp.sockets.values()) {
        if (docName === undefined || socket.data.docName === docName) sockets.push(socket as QuireSocket);
      }
    }
    return sockets;
  };
  const authorize = options.authorize;
  const recheck = async (filter: { docName?: string } = {}): Promise<RecheckResult> => {
    if (authorize === undefined) return { checked: 0, revoked: 0, changed: 0 };
    const docName = filter.docName === undefined ? undefined : canonicalDocName(filter.docName);
    return recheckAccess(documentSockets(docName), authorize, observer);
  };
  let periodic: Promise<unknown> | null = null;
  const recheckTimer =
    (options.recheckAccessIntervalMs ?? 0) > 0 && authorize !== undefined
      ? setInterval(() => {
          // A slow authorize must not pile runs up: skip a tick while one is running.
          periodic ??= recheck().finally(() => (periodic = null));
        }, options.recheckAccessIntervalMs)
      : null;
  recheckTimer?.unref();

  let closing: Promise<void> | null = null;

  return {
    io,
    httpServer,
    store,
    registry,
    versions: versionService,

    listen(port = 0, host = '127.0.0.1') {
      if (httpServer === null) throw new Error('listen() needs the server to own its HTTP server');
      return new Promise<ListenAddress>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const address = httpServer.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          debug('listening on %s:%d', address.address, address.port);
          resolve({ host: address.address, port: address.port, url: `http://${shownHost}:${address.port}` });
        });
      });
    },

    isLoaded(name) {
      return registry.isLoaded(name);
    },

    async loadedState(name) {
      const doc = registry.isLoaded(name) ? await registry.peek(name) : null;
      return doc === null ? null : Y.encodeStateAsUpdate(doc.ydoc);
    },

    recheckAccess: recheck,

    async openDocument(name) {
      return openDocumentHandle(registry, canonicalDocName(name));
    },

    async deleteDocument(name) {
      name = canonicalDocName(name);
      // Inside the versions' lock: no version of the document is being written while it goes.
      return versionService.exclusive(name, async () => {
        // Asks the store without reading the document: it may be large.
        const exists = registry.isLoaded(name) || (await store.has(name));
        if (!exists) return false;
        // A client that still holds a copy and reconnects re-creates the document: CRDT replicas
        // are their own source of truth.
        // No automatic version of what is being deleted (its last client leaves just below).
        autoVersions.cancel(name);
        namespaceOf(docNamespace(name))?.disconnectSockets(false);
        await registry.remove(name, async () => {
          autoVersions.cancel(name);
          versionService.forget(name);
          await store.delete(name);
          await store.delete(ownersDocumentName(name));
        });
        return true;
      });
    },

    close() {
      closing ??= (async () => {
        debug('closing');
        if (recheckTimer !== null) clearInterval(recheckTimer);
        // Stop accepting first, so nothing new arrives while documents flush.
        if (ownsHttp && httpServer?.listening) httpServer.close();
        // Closing the underlying connections makes clients reconnect on their own; on a Socket.io
        // server we were only attached to, leave the app's connections alone.
        for (const nsp of [...io._nsps.values()]) {
          if (DOC_NAMESPACE_PATTERN.test(nsp.name)) nsp.disconnectSockets(ownsIo);
        }
        // Versions of documents whose last client just left are taken before documents unload.
        await autoVersions.close();
        await registry.closeAll();
        await versionService.close();
        await store.close();
        if (ownsHttp) await new Promise<void>((resolve) => void io.close(() => resolve()));
        else if (ownsIo) io.engine.close();
        debug('closed');
      })();
      return closing;
    },
  };
}

/** Socket.io's own default maxHttpBufferSize. */
const SOCKET_IO_DEFAULT_BUFFER = 1e6;

/**
 * The largest message the transport accepts. On an `io` of the app's, Socket.io's maxHttpBufferSize
 * decides (a larger message closes the connection before quire sees it), so quire sizes its parts
 * by it; asking for more than that server accepts is a configuration error, reported at start.
 */
function messageLimit(options: QuireServerOptions): number {
  if (options.io === undefined) return options.maxMessageBytes ?? serverDefaults.maxMessageBytes;
  const configured = (options.io as unknown as { opts?: { maxHttpBufferSize?: unknown } }).opts?.maxHttpBufferSize;
  const accepted = typeof configured === 'number' && configured > 0 ? configured : SOCKET_IO_DEFAULT_BUFFER;
  if (options.maxMessageBytes !== undefined && options.maxMessageBytes > accepted) {
    throw new RangeError(
      `maxMessageBytes (${options.maxMessageBytes}) exceeds the maxHttpBufferSize of the Socket.io server quire attaches to (${accepted}); ` +
        "raise maxHttpBufferSize in that Server's options or lower maxMessageBytes.",
    );
  }
  return options.maxMessageBytes ?? accepted;
}
