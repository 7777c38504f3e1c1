/**
 * PostgreSQL as the store shared by several quire nodes. The single-node product never loads this
 * module (nor `pg`): the CLI imports it only for `--store postgres://…`.
 *
 * Beyond the DocumentStore contract it offers what the cluster layer needs: the head sequence with
 * a load (`loadState`), catch-up reads (`readSince`), batched head checks (`readHeads`), a listener
 * told about every committed row (`onCommit`), and whether the node can currently commit
 * (`healthy`, kept fresh by a probe).
 */
import createDebug from 'debug';
import type { Pool } from 'pg';
import { StoreClosedError } from './leveldb/errors.js';
import { PostgresClientIdOwners } from './postgres/client-ids.js';
import { compactDocument } from './postgres/compaction.js';
import { PostgresVersionRecords } from './postgres/versions.js';
import { type CommittedRows, GroupCommit } from './postgres/group-commit.js';
import { parsePostgresUrl } from './postgres/connection-url.js';
import { type ClientPool, checkOut } from './postgres/queryable.js';
import { type DocumentHead, type DocumentState, hasDocument, listDocuments, readHeads, readSince } from './postgres/reader.js';
import { type Tables, ensureSchema, tablesIn } from './postgres/schema.js';
import type { DocumentStore, StoreHealth, StoredDocumentInfo } from './types.js';

const debug = createDebug('quire:store:postgres');

export interface PostgresStoreOptions {
  /** postgres://user@host:port/database?schema=quire (schema defaults to "quire"). */
  url: string;
  /** Connections in the pool. Default 4. */
  poolSize?: number;
  /** Compact a document once its tail holds this many bytes / rows. Default 1 MiB / 2,000. */
  compactAfterBytes?: number;
  compactAfterUpdates?: number;
  /** A statement that takes longer fails (and is not acknowledged). Default 10 s. */
  statementTimeoutMs?: number;
  /** How often to check that PostgreSQL still answers. Default 1 s. */
  probeIntervalMs?: number;
}

export type CommitListener = (rows: CommittedRows[]) => void;
export type { CommittedRows, DocumentHead, DocumentState };

export class PostgresStore implements DocumentStore {
  private readonly writer: GroupCommit;
  private readonly listeners = new Set<CommitListener>();
  private readonly compacting = new Set<string>();
  private readonly probe: NodeJS.Timeout;
  private closed: Promise<void> | null = null;
  private lastOutcomeOk = true;
  private unhealthySince: number | null = null;
  private probeStarted: number | null = null;
  private compactions = { compactions: 0, failedCompactions: 0 };
  /** Client-id claims decided by PostgreSQL, so they hold on every node. */
  readonly clientIdOwners: PostgresClientIdOwners;
  /** Version history records, in their own table (postgres/versions.ts). */
  readonly versions: PostgresVersionRecords;

  private constructor(
    private readonly pool: Pool,
    private readonly tables: Tables,
    private readonly options: Required<Omit<PostgresStoreOptions, 'url' | 'poolSize'>>,
  ) {
    this.writer = new GroupCommit(
      pool as unknown as ClientPool,
      tables,
      (rows) => this.committed(rows),
      (ok, error) => {
        if (ok !== this.lastOutcomeOk) debug(ok ? 'commits succeed again' : 'commits fail: %O', error);
        this.setOutcome(ok);
      },
    );
    this.clientIdOwners = new PostgresClientIdOwners(pool, tables);
    this.versions = new PostgresVersionRecords(pool as unknown as ClientPool, tables, () => this.writer.settled());
    this.probe = setInterval(() => void this.checkHealth(), options.probeIntervalMs);
    this.probe.unref();
  }

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const { connectionString, schema } = parsePostgresUrl(options.url);
    const { default: pg } = await import('pg');
    const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: 5_000,
      query_timeout: statementTimeoutMs,
      statement_timeout: statementTimeoutMs,
      keepAlive: true,
      application_name: 'quire',
    });
    // An idle connection that breaks (server restart, network cut) must not crash the process;
    // the pool replaces it on the next checkout.
    pool.on('error', (error) => debug('idle PostgreSQL connection failed: %s', error.message));
    const tables = tablesIn(schema);
    try {
      const client = await checkOut(pool as unknown as ClientPool);
      try {
        await ensureSchema(client, tables);
      } finally {
        client.done();
      }
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
    return new PostgresStore(pool, tables, {
      compactAfterBytes: options.compactAfterBytes ?? 1 << 20,
      compactAfterUpdates: options.compactAfterUpdates ?? 2000,
      statementTimeoutMs,
      probeIntervalMs: options.probeIntervalMs ?? 1000,
    });
  }

  /** Whether the last commit (or health probe) succeeded: false while this node cannot commit. */
  get healthy(): boolean {
    return this.lastOutcomeOk && this.closed === null;
  }

  /**
   * The DocumentStore health: 'cannot-commit' while the last commit or probe failed. Appends are
   * still attempted meanwhile (the probe, every second, is what declares PostgreSQL back; a commit
   * that succeeds does too), and each one that fails is refused, never acknowledged.
   */
  health(): StoreHealth {
    if (this.closed !== null) return { accepting: false, reason: 'closed', detail: 'The store is closed.' };
    if (this.lastOutcomeOk) return { accepting: true };
    return {
      accepting: false,
      reason: 'cannot-commit',
      detail: 'This node cannot commit to PostgreSQL.',
      since: this.unhealthySince ?? Date.now(),
    };
  }

  compactionCounters(): { compactions: number; failedCompactions: number } {
    return { ...this.compactions };
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async load(name: string): Promise<Uint8Array[]> {
    return (await this.loadState(name)).updates;
  }

  /** The whole document and the head sequence it reaches, read in one consistent snapshot. */
  loadState(name: string): Promise<DocumentState> {
    return this.readSince(name, 0);
  }

  /** What was committed after `seq` (the snapshot too when it covers rows after `seq`). */
  async readSince(name: string, seq: number): Promise<DocumentState> {
    this.assertOpen();
    return readSince(this.pool, this.tables, name, seq);
  }

  async readHeads(names: readonly string[]): Promise<Map<string, DocumentHead>> {
    this.assertOpen();
    return names.length === 0 ? new Map() : readHeads(this.pool, this.tables, names);
  }

  async has(name: string): Promise<boolean> {
    this.assertOpen();
    return hasDocument(this.pool, this.tables, name);
  }

  append(name: string, update: Uint8Array): Promise<void> {
    return this.writer.append(name, update);
  }

  delete(name: string): Promise<void> {
    return this.writer.delete(name);
  }

  async list(): Promise<StoredDocumentInfo[]> {
    this.assertOpen();
    return listDocuments(this.pool, this.tables);
  }

  /** Compacts one document now (another node already doing it counts as done). */
  async compact(name: string): Promise<void> {
    this.assertOpen();
    await compactDocument(this.pool as unknown as ClientPool, this.tables, name);
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      clearInterval(this.probe);
      await this.writer.close();
      while (this.compacting.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await this.pool.end();
    })();
    return this.closed;
  }

  private committed(rows: CommittedRows[]): void {
    for (const listener of this.listeners) {
      try {
        listener(rows);
      } catch (error) {
        debug('commit listener failed: %O', error);
      }
    }
    for (const doc of rows) {
      if (doc.tailCount >= this.options.compactAfterUpdates || doc.tailBytes >= this.options.compactAfterBytes) {
        this.scheduleCompaction(doc.docName);
      }
    }
  }

  private scheduleCompaction(name: string): void {
    if (this.compacting.has(name) || this.closed !== null) return;
    this.compacting.add(name);
    setImmediate(() => {
      compactDocument(this.pool as unknown as ClientPool, this.tables, name)
        .then((outcome) => {
          if (outcome === 'compacted') this.compactions.compactions++;
        })
        .catch((error: unknown) => {
          this.compactions.failedCompactions++;
          debug('compaction of %s failed: %O', name, error);
        })
        .finally(() => this.compacting.delete(name));
    });
  }

  private async checkHealth(): Promise<void> {
    if (this.closed !== null) return;
    if (this.probeStarted !== null) {
      // A probe that hangs (a blackholed connection) means this node cannot commit either.
      if (performance.now() - this.probeStarted > 2 * this.options.probeIntervalMs) this.setOutcome(false);
      return;
    }
    this.probeStarted = performance.now();
    try {
      await this.pool.query({ text: 'SELECT 1', query_timeout: 4 * this.options.probeIntervalMs } as never);
      if (!this.lastOutcomeOk) debug('PostgreSQL answers again');
      this.setOutcome(true);
    } catch (error) {
      if (this.lastOutcomeOk) debug('PostgreSQL does not answer: %s', (error as Error).message);
      this.setOutcome(false);
    } finally {
      this.probeStarted = null;
    }
  }

  private setOutcome(ok: boolean): void {
    if (!ok && this.lastOutcomeOk) this.unhealthySince = Date.now();
    if (ok) this.unhealthySince = null;
    this.lastOutcomeOk = ok;
  }

  private assertOpen(): void {
    if (this.closed !== null) throw new StoreClosedError();
  }
}
