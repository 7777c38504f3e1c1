/**
 * Opens what a cluster node needs from `--store postgres://…` and `--bus redis://…`: the shared
 * store, the bus, and the node that ties them to the server. Imported by the CLI only when a
 * shared store is configured, so `pg` and `ioredis` are never loaded otherwise.
 */
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { ServerObserver } from '../core/observer.js';
import type { Logger } from '../observability/logger.js';
import { PostgresStore } from '../persistence/postgres-store.js';
import { ClusterNode } from './cluster-node.js';
import { clusterMetrics } from './cluster-metrics.js';
import type { ClusterObserver } from './cluster-observer.js';
import { RedisBus } from './redis-bus.js';

export interface ClusterConfig {
  store: string;
  bus?: string | undefined;
  nodeId?: string | undefined;
  compactAfterBytes: number;
  compactAfterUpdates: number;
}

export interface OpenedCluster {
  node: ClusterNode;
  postgres: PostgresStore;
  bus: RedisBus | null;
  /** The server observer hooks the node needs (document loads and unloads). */
  serverObserver: ServerObserver;
  canCommit(): boolean;
}

export async function openCluster(config: ClusterConfig, logger: Logger, registry: Registry | null): Promise<OpenedCluster> {
  const threshold = (value: number) => (value === 0 ? Number.POSITIVE_INFINITY : value);
  let postgres: PostgresStore;
  try {
    postgres = await PostgresStore.open({
      url: config.store,
      compactAfterBytes: threshold(config.compactAfterBytes),
      compactAfterUpdates: threshold(config.compactAfterUpdates),
    });
  } catch (error) {
    // Name the store without its password: the message goes to logs and terminals.
    throw new Error(`the PostgreSQL store (--store ${redactedUrl(config.store)}) could not be opened: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let bus: RedisBus | null = null;
  try {
    bus = config.bus === undefined ? null : await RedisBus.connect({ url: config.bus });
  } catch (error) {
    await postgres.close();
    throw error;
  }
  const nodeId = config.nodeId ?? `${hostname()}-${process.pid}`;
  const metrics =
    registry === null ? {} : clusterMetrics(registry, { busConnected: () => bus?.connected ?? false, canCommit: () => postgres.healthy });
  const observer: ClusterObserver = {
    ...metrics,
    busConnection: ({ up }) =>
      up
        ? logger.info({ node: nodeId }, 'document bus connected')
        : logger.warn({ node: nodeId }, 'document bus lost; repairing from the store until it returns'),
    peerGone: (event) => {
      metrics.peerGone?.(event);
      logger.warn(
        { node: nodeId, peer: event.node, states: event.states },
        "another node stopped answering; removed its clients' presence",
      );
    },
    repairFailed: (event) => {
      metrics.repairFailed?.(event);
      logger.debug({ doc: event.docName, err: event.cause }, 'catch-up from the store failed; retrying with the next head check');
    },
  };
  const node = new ClusterNode({ nodeId, store: postgres, bus, observer });
  if (bus === null)
    logger.warn({ node: nodeId }, "shared store without --bus: other nodes' edits arrive through periodic head checks only");
  return {
    node,
    postgres,
    bus,
    serverObserver: {
      documentLoaded: ({ docName }) => node.documentLoaded(docName),
      documentUnloaded: ({ docName }) => node.documentUnloaded(docName),
    },
    canCommit: () => postgres.healthy,
  };
}

function redactedUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}
