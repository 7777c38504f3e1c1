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
}

export interface ClientPool extends Queryable {
  connect(): Promise<PooledClient>;
}
