/** The part of a pg Client/Pool the store uses, so its modules need only `pg`'s types. */
export interface QueryResultLike<R> {
  rows: R[];
  rowCount: number | null;
}

export interface Queryable {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResultLike<R>>;
}

export interface PooledClient extends Queryable {
  /** Returns the client to the pool; with an error, the pool discards the connection. */
  release(error?: Error | boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}

export interface ClientPool extends Queryable {
  connect(): Promise<PooledClient>;
}

/**
 * Checks a connection out of the pool for a transaction. While checked out, a connection that
 * breaks between two queries (PostgreSQL restarting, a network cut) emits 'error' with nobody
 * listening, which would crash the process: listen until it is released. The failure itself
 * reaches the caller through its next query.
 */
export async function checkOut(pool: ClientPool): Promise<PooledClient & { done(error?: unknown): void }> {
  const client = await pool.connect();
  let broken: Error | null = null;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  let released = false;
  return Object.assign(client, {
    done(error?: unknown) {
      if (released) return;
      released = true;
      client.off('error', onError);
      const cause = error ?? broken;
      client.release(cause === null || cause === undefined ? undefined : cause instanceof Error ? cause : true);
    },
  });
}

/** Runs `work` in one transaction on a connection of its own: COMMIT when it resolves, ROLLBACK when it throws. */
export async function inTransaction<T>(pool: ClientPool, work: (db: Queryable) => Promise<T>): Promise<T> {
  const client = await checkOut(pool);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.done();
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    client.done(error);
    throw error;
  }
}
