/**
 * Client-id owners in PostgreSQL (see server/core/client-id-owners.ts for why ids have owners).
 * On one server the owners live in a shadow document; on a cluster every node must see every
 * claim, and two nodes must not both grant the same id. So the commit point decides: a claim is an
 * INSERT on the (document, client id) primary key, and the first one committed wins on every node.
 *
 *   client_ids(name bytea, client_id bigint, owner text, PK (name, client_id))
 */
import type { SharedClientIdOwners } from '../types.js';
import type { Queryable } from './queryable.js';
import { nameBytes } from './reader.js';
import type { Tables } from './schema.js';

export class PostgresClientIdOwners implements SharedClientIdOwners {
  constructor(
    private readonly db: Queryable,
    private readonly tables: Tables,
  ) {}

  async claimClientIds(docName: string, claim: readonly number[], owner: string, lookUp: readonly number[]): Promise<Map<number, string>> {
    const owners = new Map<number, string>();
    const claims = [...new Set(claim)];
    if (claims.length > 0) {
      const inserted = await this.db.query<{ client_id: string; owner: string }>(
        `INSERT INTO ${this.tables.clientIds} (name, client_id, owner)
         SELECT $1, id, $3 FROM unnest($2::bigint[]) AS id
         ON CONFLICT (name, client_id) DO NOTHING
         RETURNING client_id, owner`,
        [nameBytes(docName), claims, owner],
      );
      for (const row of inserted.rows) owners.set(Number(row.client_id), row.owner);
    }
    // Ids claimed by someone else (committed before our INSERT, or while it waited) and plain
    // look-ups: a statement of its own, so it sees every claim committed so far.
    const unanswered = [...new Set([...claims, ...lookUp])].filter((id) => !owners.has(id));
    if (unanswered.length > 0) for (const [id, who] of await this.read(docName, unanswered)) owners.set(id, who);
    return owners;
  }

  readClientIdOwners(docName: string): Promise<Map<number, string>> {
    return this.read(docName, null);
  }

  private async read(docName: string, ids: readonly number[] | null): Promise<Map<number, string>> {
    const result = await this.db.query<{ client_id: string; owner: string }>(
      `SELECT client_id, owner FROM ${this.tables.clientIds} WHERE name = $1${ids === null ? '' : ' AND client_id = ANY($2::bigint[])'}`,
      ids === null ? [nameBytes(docName)] : [nameBytes(docName), ids],
    );
    return new Map(result.rows.map((row) => [Number(row.client_id), row.owner]));
  }
}
