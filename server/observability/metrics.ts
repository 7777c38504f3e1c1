/**
 * Prometheus metrics (prom-client) on a registry of their own, so several servers in one process
 * (tests, embedding) never share counters. Counters and histograms are fed by the server's
 * observer; gauges of current state (connections, open documents) are read at scrape time from
 * the server itself, so they can never drift from the truth.
 *
 * Metric names are listed in docs/OPERATING.md; keep the two in step.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ServerObserver } from '../core/observer.js';
import type { StoreHealth } from '../persistence/types.js';

/** What the scrape-time gauges read. Bound once the server exists. */
export interface MetricSources {
  /** Sockets across all document namespaces: one per client per open document. */
  documentConnections(): number;
  /** Underlying engine.io connections: one per client, however many documents it has open. */
  clientConnections(): number;
  openDocuments(): number;
  /** Encoded bytes of the loaded documents, as the load ceiling counts them. */
  loadedDocumentBytes?(): number;
  /**
   * Compaction counters since the store opened, for a store that counts them itself (the LevelDB
   * store) rather than reporting each compaction to the observer.
   */
  storeCounters?(): StoreCounters;
  /** Whether the store takes writes now, and why not. */
  storeHealth?(): StoreHealth;
}

/** Counters a store keeps itself (the LevelDB store), read at scrape time. */
export interface StoreCounters {
  compactions: number;
  failedCompactions: number;
  /** Times the store went back to accepting writes after a failure. */
  recoveries?: number;
  /** Documents known to be damaged now. */
  damagedDocuments?: number;
}

export interface QuireMetrics {
  readonly registry: Registry;
  readonly observer: ServerObserver;
  bind(sources: MetricSources): void;
  /** The exposition text for a scrape. */
  render(): Promise<string>;
  readonly contentType: string;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const COUNT_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000];
const BYTE_BUCKETS = [64, 256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216];

export function createMetrics(): QuireMetrics {
  const registry = new Registry();
  // Process memory, CPU, handles, GC and event-loop lag (nodejs_eventloop_lag_*), under the
  // standard names dashboards expect.
  collectDefaultMetrics({ register: registry });

  let sources: MetricSources | null = null;
  const gauge = (name: string, help: string, read: (s: MetricSources) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        if (sources !== null) this.set(read(sources));
      },
    });
  gauge('quire_connections', 'Open document connections (one per client per document).', (s) => s.documentConnections());
  gauge('quire_client_connections', 'Open client connections (engine.io; one per client).', (s) => s.clientConnections());
  gauge('quire_documents_open', 'Documents loaded in memory.', (s) => s.openDocuments());
  gauge('quire_store_accepting', 'Whether the store accepts (and the server acknowledges) writes now: 1 or 0.', (s) =>
    s.storeHealth === undefined || s.storeHealth().accepting ? 1 : 0,
  );
  gauge(
    'quire_documents_damaged',
    'Stored documents known to be damaged or to have lost acknowledged updates.',
    (s) => s.storeCounters?.().damagedDocuments ?? 0,
  );
  const reasonsSeen = new Set<string>();
  new Gauge({
    name: 'quire_store_unavailable',
    help: 'Why the store refuses writes: 1 for the current reason (write-failed, directory-missing, directory-replaced), 0 for reasons seen before.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      const health = sources?.storeHealth?.();
      const current = health === undefined || health.accepting ? null : (health.reason ?? 'unknown');
      if (current !== null) reasonsSeen.add(current);
      for (const reason of reasonsSeen) this.set({ reason }, reason === current ? 1 : 0);
    },
  });
  gauge(
    'quire_documents_loaded_bytes',
    'Encoded bytes of the loaded documents (the maxLoadedDocumentBytes measure).',
    (s) => s.loadedDocumentBytes?.() ?? 0,
  );

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const histogram = (name: string, help: string, buckets: number[]) => new Histogram({ name, help, buckets, registers: [registry] });

  const connectionsOpened = counter('quire_connections_opened_total', 'Document connections accepted.');
  const loads = counter('quire_document_loads_total', 'Documents loaded from the store.');
  const unloads = counter('quire_document_unloads_total', 'Documents flushed and unloaded.');
  const loadSeconds = histogram('quire_document_load_duration_seconds', 'Time to load a document from the store.', LATENCY_BUCKETS);
  const received = counter('quire_messages_received_total', 'Messages received from clients, by kind (update, awareness, sync).', ['kind']);
  const receivedBytes = counter('quire_message_bytes_received_total', 'Payload bytes received from clients, by kind.', ['kind']);
  const sent = counter('quire_messages_sent_total', 'Messages sent to clients, counted per receiver, by kind.', ['kind']);
  const sentBytes = counter('quire_message_bytes_sent_total', 'Payload bytes sent to clients, counted per receiver, by kind.', ['kind']);
  const ackSeconds = histogram(
    'quire_update_ack_duration_seconds',
    'Time from receiving a client update to acknowledging it (durable).',
    LATENCY_BUCKETS,
  );
  const batchUpdates = histogram('quire_store_batch_updates', 'Updates per store write batch.', COUNT_BUCKETS);
  const batchBytes = histogram('quire_store_batch_bytes', 'Bytes per store write batch.', BYTE_BUCKETS);
  const batchSeconds = histogram('quire_store_batch_duration_seconds', 'Time for a store write batch to become durable.', LATENCY_BUCKETS);
  const batchFailures = counter('quire_store_batch_failures_total', 'Store write batches that failed.');
  // Read from the store's own counters when it keeps them, else counted from observer events.
  const fromStore = (read: (c: StoreCounters) => number) => {
    let last = 0;
    return function (this: Counter) {
      const counters = sources?.storeCounters?.();
      if (counters === undefined) return;
      const now = read(counters);
      if (now > last) this.inc(now - last);
      last = now;
    };
  };
  const compactions = new Counter({
    name: 'quire_compactions_total',
    help: 'Document compactions (log merged into a snapshot), when the store reports them.',
    registers: [registry],
    collect: fromStore((c) => c.compactions),
  });
  new Counter({
    name: 'quire_compaction_failures_total',
    help: 'Compactions that failed (the document keeps its previous snapshot and log), when the store reports them.',
    registers: [registry],
    collect: fromStore((c) => c.failedCompactions),
  });
  new Counter({
    name: 'quire_store_recoveries_total',
    help: 'Times the store accepted writes again after a failure (database reopened and checked), when the store reports them.',
    registers: [registry],
    collect: fromStore((c) => c.recoveries ?? 0),
  });
  const compactionSeconds = histogram('quire_compaction_duration_seconds', 'Time to compact a document.', LATENCY_BUCKETS);
  const errors = counter('quire_errors_total', 'Errors by stable code and operation.', ['code', 'operation']);

  const observer: ServerObserver = {
    connectionOpened: () => connectionsOpened.inc(),
    documentLoaded: ({ durationMs }) => {
      loads.inc();
      loadSeconds.observe(durationMs / 1000);
    },
    documentUnloaded: () => unloads.inc(),
    messageReceived: ({ kind, bytes }) => {
      received.inc({ kind });
      receivedBytes.inc({ kind }, bytes);
    },
    messageSent: ({ kind, bytes, receivers }) => {
      sent.inc({ kind }, receivers);
      sentBytes.inc({ kind }, bytes * receivers);
    },
    updateAcknowledged: ({ durationMs }) => ackSeconds.observe(durationMs / 1000),
    storeBatch: ({ updates, bytes, durationMs, ok }) => {
      batchUpdates.observe(updates);
      batchBytes.observe(bytes);
      batchSeconds.observe(durationMs / 1000);
      if (!ok) batchFailures.inc();
    },
    compaction: ({ durationMs }) => {
      if (sources?.storeCounters === undefined) compactions.inc();
      compactionSeconds.observe(durationMs / 1000);
    },
    error: ({ code, operation }) => errors.inc({ code, operation }),
  };

  return {
    registry,
    observer,
    bind(next) {
      sources = next;
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
