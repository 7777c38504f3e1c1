/**
 * Shares one Socket.io Manager (one engine.io connection) between every provider of one server URL.
 * Socket.io multiplexes namespaces, so each document is a namespace on that connection. Only two
 * providers of the same document need separate connections (a Manager holds one socket per
 * namespace), so such a provider gets the next Manager in the pool.
 */
import { Manager, type ManagerOptions } from 'socket.io-client';

export type ManagerSettings = Partial<ManagerOptions>;

interface PooledManager {
  manager: Manager;
  namespaces: Set<string>;
}

const pools = new Map<string, PooledManager[]>();

export interface ManagerLease {
  readonly manager: Manager;
  release(): void;
}

function poolKey(url: string, settings: ManagerSettings): string {
  return JSON.stringify([url, settings.path ?? '/socket.io', settings.transports ?? null]);
}

export function leaseManager(url: string, namespace: string, settings: ManagerSettings): ManagerLease {
  const key = poolKey(url, settings);
  const pool = pools.get(key) ?? [];
  pools.set(key, pool);
  let entry = pool.find((candidate) => !candidate.namespaces.has(namespace));
  if (entry === undefined) {
    entry = { manager: new Manager(url, { ...settings, autoConnect: false }), namespaces: new Set() };
    pool.push(entry);
  }
  entry.namespaces.add(namespace);
  const leased = entry;
  let released = false;
  return {
    manager: leased.manager,
    release() {
      if (released) return;
      released = true;
      leased.namespaces.delete(namespace);
      // The Manager caches one Socket per namespace, with the first user's auth callback; drop it
      // so the next provider of this document gets a socket of its own.
      delete (leased.manager as unknown as { nsps: Record<string, unknown> }).nsps[namespace];
      if (leased.namespaces.size > 0) return;
      // Last user gone (its socket's disconnect already closed the connection): forget the Manager.
      pool.splice(pool.indexOf(leased), 1);
      if (pool.length === 0) pools.delete(key);
    },
  };
}
