/**
 * Which provider session may write under which Yjs client id, for one document.
 *
 * Security: Yjs identifies every change by (client id, clock), and client ids are visible to
 * everyone (state vectors, presence). Without this, a writer could send structs under another
 * user's id at that user's next clock while the user is offline: the user's own edit at that
 * clock would later be ignored by every replica as "already known" (it would even be
 * acknowledged), and everyone would read the forger's text instead. So a client id belongs to the
 * session that first wrote new content under it, and new content under an id another session owns
 * is refused (CLIENT_ID_TAKEN) before any of the update is applied. Resending content the server
 * already has is always fine.
 *
 * Owners are stored, so a victim who stays offline across a server restart or an unload is still
 * protected when it comes back. They are kept as a small Yjs map (client id → owner) in a shadow
 * document of the same store: every store can hold it, it is written in the same group commit as
 * the update that claimed the id (and acknowledged only once durable), and compaction merges it like
 * any document. An owner is a hash of the session's secret key, never the key itself (a list of
 * them when the writer carried edits of several sessions of its device).
 *
 * A store several servers share decides claims itself (`DocumentStore.clientIdOwners`): a claim
 * made through another server must hold here too, and two servers must not both grant one id. There
 * the map below is only this server's cache of what the store said (owners never change, so it
 * never goes stale); an id with new content and no owner in it is asked of the store before the
 * update is applied, and an id the writer declares as its own is claimed there first.
 */
import createDebug from 'debug';
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { clientIdTaken } from '../../shared/errors.js';
import type { DocumentStore, SharedClientIdOwners } from '../persistence/types.js';
import { DurableWriter } from './durable-writer.js';
import { type ConnectionRef, persistenceOrigin } from './origins.js';
import { serverYDoc } from './server-ydoc.js';

const debug = createDebug('quire:server:client-ids');

/** The store name of a document's owner records: not a valid document name, so no client can open it. */
export function ownersDocumentName(docName: string): string {
  return `\u0000client-ids/${createHash('sha256').update(docName).digest('hex')}`;
}

export function isOwnersDocumentName(name: string): boolean {
  return name.startsWith('\u0000client-ids/');
}

/** What is stored for a session: a hash of its secret key. */
export function writerKeyOf(sessionKey: string): string {
  return createHash('sha256').update(`quire-writer:${sessionKey}`).digest('base64url').slice(0, 22);
}

/** The owners a connection writes as: its session's, then those of earlier sessions it carries. */
export function writerKeysOf(connection: ConnectionRef): readonly string[] {
  return connection.writerKeys ?? [writerKeyOf(connection.sessionKey)];
}

/** What a store holds about a document's owners: the shadow document's updates, or the shared store's map. */
export type StoredOwners = readonly Uint8Array[] | ReadonlyMap<number, string>;

export function loadOwners(store: DocumentStore, docName: string): Promise<StoredOwners> {
  return store.clientIdOwners?.readClientIdOwners(docName) ?? store.load(ownersDocumentName(docName));
}

/** A writer of new content: its owner keys, and the client ids it declared as its own. */
export interface ClientIdWriter {
  keys: readonly string[];
  ownClientIds: readonly number[] | undefined;
}

/** What must be asked of a shared store before an update can be checked. */
export interface SharedQuestion {
  claim: number[];
  lookUp: number[];
}

/** The server's own edits (admin API, openDocument): not a session, never claimable by one. */
const SERVER_OWNER = 'server';

interface OwnerRecords {
  doc: Y.Doc;
  owners: Y.Map<string>;
  writer: DurableWriter;
}

export class ClientIdOwners {
  /**
   * The owners map and its writer, built when something is stored or claimed: a document nobody
   * has written to never needs them, and a Y.Doc with its writer per open document adds up.
   */
  private records: OwnerRecords | null = null;
  private readonly reserved = new Map<number, string>();
  private readonly shared: SharedClientIdOwners | null;
  private destroyed = false;

  constructor(
    private readonly docName: string,
    private readonly store: DocumentStore,
  ) {
    this.shared = store.clientIdOwners ?? null;
  }

  /** Stored owners are applied at once, so damaged records fail the document's load. */
  applyStored(stored: StoredOwners): void {
    if (stored instanceof Map ? stored.size === 0 : (stored as readonly Uint8Array[]).length === 0) return;
    const { doc, owners } = this.built;
    Y.transact(
      doc,
      () => {
        if (stored instanceof Map) for (const [id, owner] of stored) owners.set(String(id), owner);
        else for (const update of stored as readonly Uint8Array[]) Y.applyUpdate(doc, update, persistenceOrigin);
      },
      persistenceOrigin,
    );
  }

  private get built(): OwnerRecords {
    if (this.records === null) {
      const name = ownersDocumentName(this.docName);
      const doc = serverYDoc(name);
      const writer = new DurableWriter(name, this.store, () => Y.encodeStateAsUpdate(doc));
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        // A shared store has the claim committed before it reaches this cache.
        if (origin !== persistenceOrigin && this.shared === null) writer.append(update);
      });
      this.records = { doc, owners: doc.getMap<string>('owners'), writer };
    }
    return this.records;
  }

  /**
   * With a shared store: what this server must ask it before `claimable` can decide on an update
   * whose clients' content ends at `ends` (ids with new content and no owner known here); null
   * when nothing (or when the store is not shared).
   */
  sharedQuestion(ends: ReadonlyMap<number, number>, stateOf: (client: number) => number, writer: ClientIdWriter): SharedQuestion | null {
    if (this.shared === null) return null;
    const claim: number[] = [];
    const lookUp: number[] = [];
    for (const [client, end] of ends) {
      if (end <= stateOf(client) || this.ownerOf(client) !== undefined) continue;
      if (writer.ownClientIds?.includes(client) === true) claim.push(client);
      else lookUp.push(client);
    }
    return claim.length === 0 && lookUp.length === 0 ? null : { claim, lookUp };
  }

  /** Asks the shared store (claiming what the writer may claim) and keeps its answer here. */
  async ask(question: SharedQuestion, writer: ClientIdWriter): Promise<void> {
    if (this.shared === null) return;
    const owners = await this.shared.claimClientIds(this.docName, question.claim, writer.keys.join(','), question.lookUp);
    if (this.destroyed) return;
    this.applyStored(owners);
  }

  /** The server writes under this id: nobody may claim it (kept in memory; it changes per load). */
  reserveForServer(clientId: number): void {
    this.reserved.set(clientId, SERVER_OWNER);
  }

  ownerOf(clientId: number): string | undefined {
    const reserved = this.reserved.get(clientId);
    if (reserved !== undefined) return reserved;
    // Nothing stored and nothing claimed yet: nobody owns it, no need to build the records.
    if (this.records === null) return undefined;
    return this.built.owners.get(String(clientId));
  }

  /**
   * Checks an update whose clients' content ends at `ends` against what the document holds
   * (`stateOf`): throws CLIENT_ID_TAKEN when it writes new content under an id another session
   * owns; otherwise returns the ids nobody owns that this writer declared as its own, to claim once
   * the update is applied.
   */
  claimable(ends: ReadonlyMap<number, number>, stateOf: (client: number) => number, writer: ClientIdWriter): number[] {
    const taken: number[] = [];
    const unowned: number[] = [];
    for (const [client, end] of ends) {
      if (end <= stateOf(client)) continue; // nothing new: resending known content is fine
      const owner = this.ownerOf(client);
      if (owner === undefined) unowned.push(client);
      else if (!owner.split(',').some((key) => writer.keys.includes(key))) taken.push(client);
    }
    if (taken.length > 0) {
      debug('refused an update: it writes under client ids %o of other sessions', taken);
      throw clientIdTaken(taken);
    }
    const own = writer.ownClientIds;
    return own === undefined ? [] : unowned.filter((id) => own.includes(id));
  }

  /** Whether another session (or the server) owns this id: a writer with `keys` may not speak for it. */
  ownedByAnother(clientId: number, keys: readonly string[]): boolean {
    const owner = this.ownerOf(clientId);
    return owner !== undefined && !owner.split(',').some((key) => keys.includes(key));
  }

  /**
   * Client ids of other sessions (or the server) whose content the update deletes beyond what the
   * document holds and beyond what the update itself carries: Yjs would keep those deletions and
   * apply them to the owner's next edits as they arrive, so someone else would write under the id.
   * An honest client deletes only what it has, which the server has too (or gets in the same
   * update); an id whose owner this server does not know is let through, as its content is.
   */
  foreignDeletions(
    deletesEnd: ReadonlyMap<number, number>,
    ends: ReadonlyMap<number, number>,
    stateOf: (client: number) => number,
    writer: ClientIdWriter,
  ): number[] {
    const foreign: number[] = [];
    for (const [client, end] of deletesEnd) {
      if (end <= Math.max(stateOf(client), ends.get(client) ?? 0)) continue;
      if (this.ownedByAnother(client, writer.keys)) foreign.push(client);
    }
    return foreign;
  }

  /**
   * Records the writer's keys as the owners of ids nobody owns (first writer wins). All of them:
   * a client sending edits restored from earlier sessions of its device (another tab's, say) does
   * not know which session wrote which id, and each of those sessions may write on under it.
   */
  claim(clientIds: readonly number[], writerKeys: readonly string[]): void {
    // A shared store's claims are made by `ask`, before the update is applied.
    if (this.shared !== null) return;
    const fresh = clientIds.filter((id) => this.ownerOf(id) === undefined);
    if (fresh.length === 0) return;
    const owner = writerKeys.join(',');
    const { doc, owners } = this.built;
    doc.transact(() => {
      for (const id of fresh) owners.set(String(id), owner);
    });
  }

  get size(): number {
    return (this.records?.owners.size ?? 0) + this.reserved.size;
  }

  whenDurable(): Promise<void> {
    return this.records === null ? Promise.resolve() : this.records.writer.whenDurable();
  }

  destroy(): void {
    this.destroyed = true;
    this.records?.doc.destroy();
    this.records = null;
  }
}
