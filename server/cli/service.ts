/**
 * The quire service as the CLI runs it: store, observers (logs, metrics), operations routes, the
 * sync server, readiness, and the shutdown sequence. Kept apart from cli.ts (argument handling,
 * signals, exit codes) so tests can run the same assembly in-process.
 */
import { type QuireServer, createServer } from '../create-server.js';
import { safeObserver } from '../core/observer.js';
import { adminBackendOf } from '../admin-backend.js';
import { adminRoutes } from '../http/admin/admin-routes.js';
import { healthRoutes } from '../http/health-routes.js';
import { metricsRoute } from '../http/metrics-route.js';
import { Readiness } from '../http/readiness.js';
import { DOC_NAMESPACE_PATTERN, docNamespace } from '../../shared/doc-name.js';
import type { QuireConfig } from '../config/schema.js';
import { logObserver } from '../observability/log-observer.js';
import type { Logger } from '../observability/logger.js';
import { type QuireMetrics, createMetrics } from '../observability/metrics.js';
import { timeStoreWrites } from '../observability/store-timing.js';
import type { DocumentStore } from '../persistence/types.js';
import { ErrorCodes } from '../../shared/errors.js';
import { checkDataDirectory } from './data-dir-witness.js';
import { jwtFromConfig } from './jwt-from-config.js';
import { reportStoreHealth } from './store-reports.js';
import type { OpenedCluster } from '../cluster/open-cluster.js';
import { watchStickySessions } from '../cluster/sticky-sessions.js';
import { type OpenedStore, openStore } from './open-store.js';
import { chooseStaticDir } from './static-dir.js';

export interface RunningService {
  readonly server: QuireServer;
  readonly url: string;
  readonly port: number;
  readonly readiness: Readiness;
  readonly metrics: QuireMetrics | null;
  /** Not ready first, then (after the configured delay) stop accepting, drain, flush, close. */
  shutdown(reason: string): Promise<void>;
}

export interface ServiceOptions {
  logger: Logger;
  /** Use this store instead of opening one under `dataDir` (tests). */
  store?: DocumentStore;
}

export async function startService(config: QuireConfig, options: ServiceOptions): Promise<RunningService> {
  const { logger } = options;
  const staticChoice = chooseStaticDir(config.staticDir);
  const metrics = config.metrics ? createMetrics() : null;
  // Before the store is opened, so that an unreadable key file holds no data directory lock.
  const auth = jwtFromConfig(config);

  // A shared store makes this process a cluster node; pg and ioredis are loaded only then.
  const cluster: OpenedCluster | null =
    options.store === undefined && config.store !== undefined
      ? await (await import('../cluster/open-cluster.js')).openCluster(
          { ...config, store: config.store },
          logger,
          metrics?.registry ?? null,
        )
      : null;
  // Documents whose changes could not be written when they were unloaded: a shutdown that leaves
  // any behind did not flush, and says so.
  const unflushed = new Set<string>();
  const observer = safeObserver(metrics?.observer, logObserver(logger), cluster?.serverObserver, {
    error: ({ docName, code, operation }) => {
      if (operation === 'unload' && code === ErrorCodes.STORE_FAILED && docName !== null) unflushed.add(docName);
    },
  });

  let opened: OpenedStore;
  if (options.store !== undefined) opened = { store: options.store };
  else if (cluster !== null) {
    opened = { store: cluster.node.store, counters: () => cluster.postgres.compactionCounters() };
  } else {
    const data = checkDataDirectory(config.dataDir);
    if (data.created) logger.info({ dataDir: config.dataDir, id: data.id }, 'new data directory');
    if (data.witness === null) {
      logger.warn(
        { dataDir: config.dataDir, err: data.witnessError },
        'cannot record the data directory beside it: if it vanishes, a restart will not notice',
      );
    }
    opened = await openStore(config);
  }
  const stopReporting = opened.leveldb === undefined ? () => {} : reportStoreHealth(opened.leveldb, logger);
  const store = timeStoreWrites(opened.store, observer, { measureBatches: true });
  // A cluster node's store reports 'cannot-commit' while PostgreSQL does not take its commits.
  const readiness = new Readiness(() => store.health());

  let server: QuireServer | null = null;
  const current = () => {
    if (server === null) throw new Error('server not created yet');
    return server;
  };
  server = createServer({
    store,
    observer,
    path: config.path,
    unloadGraceMs: config.unloadGraceMs,
    requestTimeoutMs: config.requestTimeoutMs,
    maxMessageBytes: config.maxMessageBytes,
    maxUpdateBytes: config.maxUpdateBytes,
    maxAssembledUpdateBytes: config.maxAssembledUpdateBytes,
    maxAwarenessBytes: config.maxAwarenessBytes,
    maxDocumentsPerConnection: config.maxDocumentsPerConnection,
    maxConnections: config.maxConnections,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    trustProxy: config.trustProxy,
    maxLoadedDocuments: config.maxLoadedDocuments,
    maxLoadedDocumentBytes: config.maxLoadedDocumentBytes,
    maxOutgoingBytes: config.maxOutgoingBytes,
    versions: { automatic: config.automaticVersions, intervalMs: config.versionIntervalMs, idleMs: config.versionIdleMs },
    rateLimits: {
      updates: config.rateUpdates,
      updateBytes: config.rateUpdateBytes,
      awareness: config.rateAwareness,
      joins: config.rateJoins,
      syncs: config.rateSyncs,
      violations: config.rateViolations,
    },
    ...(auth === null ? {} : { authenticate: auth.authenticate, authorize: auth.authorize }),
    recheckAccessIntervalMs: config.recheckAccessIntervalMs,
    ...(config.corsOrigins === undefined ? {} : { corsOrigins: config.corsOrigins }),
    ...(staticChoice.dir === null ? {} : { staticDir: staticChoice.dir }),
    requestHandlers: [
      healthRoutes(readiness),
      metricsRoute(metrics, config.metricsToken),
      adminRoutes({
        token: config.adminToken ?? null,
        backend: adminBackendOf(current, auth === null ? null : auth.revokeSubject),
        readiness,
        maxUpdateBytes: config.maxUpdateBytes,
        observer,
        audit: ({ docName, ...details }) => logger.info({ doc: docName, ...details }, 'admin API changed a document'),
      }),
    ],
  });
  const { io, registry } = server;
  cluster?.node.attach({
    peek: (name) => registry.peek(name),
    isLoaded: (name) => registry.isLoaded(name),
    async drop(name) {
      io._nsps.get(docNamespace(name))?.disconnectSockets(false);
      await registry.evict(name);
    },
  });
  watchStickySessions(io.engine, logger, metrics?.registry ?? null);
  metrics?.bind({
    documentConnections: () => {
      let sockets = 0;
      for (const nsp of io._nsps.values()) if (DOC_NAMESPACE_PATTERN.test(nsp.name)) sockets += nsp.sockets.size;
      return sockets;
    },
    clientConnections: () => io.engine.clientsCount,
    openDocuments: () => registry.loadedCount,
    storeHealth: () => store.health(),
    loadedDocumentBytes: () => registry.loadedBytes,
    ...(opened.counters === undefined ? {} : { storeCounters: opened.counters }),
  });

  let address;
  try {
    address = await server.listen(config.port, config.host);
  } catch (error) {
    stopReporting();
    await server.close().catch(() => {});
    throw error;
  }
  if (staticChoice.dir === null) {
    logger.warn({ dir: staticChoice.missingDefault }, 'the example editor is not built (npm run build); serving the sync endpoint only');
  }
  readiness.markReady();
  logger.info(
    {
      url: address.url,
      dataDir: options.store === undefined && cluster === null ? config.dataDir : null,
      ...(cluster === null ? {} : { node: cluster.node.nodeId, store: 'postgres', bus: cluster.bus !== null }),
      staticDir: staticChoice.dir,
      metrics: metrics !== null,
      admin: config.adminToken !== undefined,
      auth: auth === null ? 'none' : 'jwt',
    },
    'quire is ready',
  );

  let stopping: Promise<void> | null = null;
  const running = server;
  return {
    server: running,
    url: address.url,
    port: address.port,
    readiness,
    metrics,
    shutdown(reason) {
      stopping ??= (async () => {
        readiness.markStopping();
        logger.info({ reason, delayMs: config.shutdownDelayMs }, 'shutting down: not ready');
        if (config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
        const started = performance.now();
        const health = store.health();
        await running.close();
        stopReporting();
        const durationMs = Math.round(performance.now() - started);
        if (unflushed.size > 0) {
          const documents = [...unflushed].slice(0, 20);
          logger.error(
            { durationMs, unflushed: unflushed.size, documents, storeReason: health.reason, storeDetail: health.detail },
            'stopped WITHOUT flushing: the latest changes of these documents could not be stored and are lost on this server (clients that still hold them will send them again)',
          );
          throw new Error(`shutdown could not flush ${unflushed.size} document(s): ${documents.map((d) => JSON.stringify(d)).join(', ')}`);
        }
        logger.info({ durationMs }, 'stopped: documents flushed, store closed');
      })();
      return stopping;
    },
  };
}
