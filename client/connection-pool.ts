/**
 * Shares Socket.io Managers (engine.io connections) between the providers of one server URL.
 * Socket.io multiplexes namespaces, so each document is a namespace on a shared connection.
 *
 * A connection carries at most `capacity` documents: the server refuses more than its
 * maxDocumentsPerConnection on one connection (TOO_MANY_DOCUMENTS), and a connection that keeps
 * being refused is closed for everyone on it. The pool starts from the server's default limit and
 * learns a lower one from a refusal (which carries the limit); a provider over the limit moves to
 * another connection. Two providers of the same document also need separate connections (a Manager
 * holds one socket per namespace).
 */
import createDebug from 'debug';
import { Manager, type ManagerOptions } from 'socket.io-client';

const debug = createDebug('quire:client:connection-pool');

export type ManagerSettings = Partial<ManagerOptions>;

/** The server's default maxDocumentsPerConnection: what a connection may carry until a refusal says otherwise. */
export const DEFAULT_DOCUMENTS_PER_CONNECTION = 100;

interface PooledManager {
  manager: Manager;
  namespaces: Set<string>;
  /** The server refused a document on this connection: add none until one of its documents leaves. */
  full: boolean;
}

interface Pool {
  managers: PooledManager[];
  capacity: number;
}

const pools = new Map<string, Pool>();

export interface ManagerLease {
  readonly manager: Manager;
  release(): void;
  /**
   * The server refused this lease's document for having `limit` documents open on the connection
   * already. Releases this lease and returns one on another connection, or null when moving cannot
   * help (the document is the connection's only one, or the limit is zero): then retry in place.
   */
  moveAfterRefusal(limit: number | undefined): ManagerLease | null;
}

function poolKey(url: string, settings: ManagerSettings): string {
  return JSON.stringify([url, settings.path ?? '/socket.io', settings.transports ?? null]);
}

export function leaseManager(url: string, namespace: string, settings: ManagerSettings): ManagerLease {
  const key = poolKey(url, settings);
  let pool = pools.get(key);
  if (pool === undefined) pools.set(key, (pool = { managers: [], capacity: DEFAULT_DOCUMENTS_PER_CONNECTION }));
  const { capacity } = pool;
  let entry = pool.managers.find(
    (candidate) => !candidate.full && candidate.namespaces.size < capacity && !candidate.namespaces.has(namespace),
  );
  if (entry === undefined) {
    entry = { manager: new Manager(url, { ...settings, autoConnect: false }), namespaces: new Set(), full: false };
    pool.managers.push(entry);
    debug('%s: connection %d opened for %s', url, pool.managers.length, namespace);
  }
  entry.namespaces.add(namespace);
  return new PoolLease(key, pool, entry, url, namespace, settings);
}

class PoolLease implements ManagerLease {
  private released = false;

  constructor(
    private readonly key: string,
    private readonly pool: Pool,
    private readonly entry: PooledManager,
    private readonly url: string,
    private readonly namespace: string,
    private readonly settings: ManagerSettings,
  ) {}

  get manager(): Manager {
    return this.entry.manager;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const { entry, pool, namespace } = this;
    entry.namespaces.delete(namespace);
    entry.full = false;
    // The Manager caches one Socket per namespace, with the first user's auth callback; drop it
    // so the next provider of this document gets a socket of its own.
    delete (entry.manager as unknown as { nsps: Record<string, unknown> }).nsps[namespace];
    if (entry.namespaces.size > 0) return;
    // Last user gone (its socket's disconnect already closed the connection): forget the Manager.
    pool.managers.splice(pool.managers.indexOf(entry), 1);
    if (pool.managers.length === 0 && pools.get(this.key) === pool) pools.delete(this.key);
  }

  moveAfterRefusal(limit: number | undefined): ManagerLease | null {
    if (this.released) return null;
    const { entry, pool } = this;
    if (limit !== undefined && Number.isInteger(limit) && limit >= 1) pool.capacity = Math.min(pool.capacity, limit);
    const others = entry.namespaces.size - 1;
    if (others === 0 || limit === 0) return null;
    entry.full = true;
    debug('%s: %s moves to another connection (server limit %s, %d others here)', this.url, this.namespace, limit ?? '?', others);
    // Lease the new connection first, so that this one (still marked full) is not picked again.
    const moved = leaseManager(this.url, this.namespace, this.settings);
    this.release();
    entry.full = entry.namespaces.size >= pool.capacity;
    return moved;
  }
}
