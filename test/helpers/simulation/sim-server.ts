/**
 * The server side of the simulation: the real document registry, QuireDocuments and store, and a
 * real ClientSession per connection (the code behind the Socket.io handlers), answering messages
 * the simulation delivers one at a time.
 */
import { type Ack, ackError, ackOk } from '../../../shared/ack.js';
import { ErrorCodes, QuireError, errorInfo } from '../../../shared/errors.js';
import { ClientSession, type ClientSessionLimits } from '../../../server/core/client-session.js';
import type { ConnectionRef } from '../../../server/core/origins.js';
import { DocumentRegistry } from '../../../server/core/registry.js';
import type { DocumentStore } from '../../../server/persistence/types.js';
import { DocumentLease } from '../../../server/transport/document-lease.js';
import { SimLink, type ToServer } from './sim-link.js';

interface Attached {
  link: SimLink;
  session: ClientSession;
  lease: DocumentLease;
  connection: ConnectionRef;
}

export class SimServer {
  registry: DocumentRegistry;
  private readonly attached = new Map<string, Attached>();
  private nextConnection = 1;

  constructor(
    public store: DocumentStore,
    private readonly limits: ClientSessionLimits,
    /** How long a document nobody holds stays loaded (real time); by default it never unloads on its own. */
    private readonly unloadGraceMs = 1_000_000_000,
    /** Told of every document frame sent to clients (relays and sync replies' step 2), as it is sent. */
    private readonly onSent: (kind: 'relay' | 'sync reply', docName: string, frame: Uint8Array) => void = () => {},
  ) {
    this.registry = this.createRegistry();
  }

  /** A new connection to `docName` from the provider session `session` (its client ids are its own). */
  connect(docName: string, sessionKey: string): SimLink {
    const id = `c${this.nextConnection++}`;
    const link = new SimLink(id, docName);
    const connection: ConnectionRef = { id, access: 'write', sessionKey };
    const lease = new DocumentLease(this.registry, docName);
    const session = new ClientSession(connection, () => lease.get(), this.limits, { reserve: () => true, release: () => {} });
    this.attached.set(id, { link, session, lease, connection });
    return link;
  }

  /** Handles one message as the Socket.io handler would; resolves with its answer. */
  async handle(link: SimLink, message: ToServer): Promise<Ack> {
    const attached = this.attached.get(link.id);
    if (attached === undefined) return ackError(errorInfo(ErrorCodes.INTERNAL));
    try {
      switch (message.kind) {
        case 'sync': {
          const reply = await attached.session.syncStep1(message.frame);
          this.onSent('sync reply', link.docName, reply.step2);
          return ackOk(reply);
        }
        case 'update':
          await attached.session.update(message.frame);
          return ackOk();
        case 'part':
          await attached.session.updatePart(message.header, message.part);
          return ackOk();
      }
    } catch (error) {
      if (error instanceof QuireError) return ackError(error.toInfo());
      throw error;
    }
  }

  /** The connection is gone (the client's view is cut separately). */
  async disconnect(link: SimLink): Promise<void> {
    const attached = this.attached.get(link.id);
    if (attached === undefined) return;
    this.attached.delete(link.id);
    link.close();
    attached.session.close();
    const doc = await attached.lease.current();
    doc?.removeConnection(attached.connection);
    attached.lease.release();
  }

  /** Drops every connection, flushes and unloads every document, reopens on `store`. */
  async restart(reopen: () => Promise<DocumentStore>): Promise<void> {
    for (const { link } of [...this.attached.values()]) await this.disconnect(link);
    await this.registry.closeAll();
    this.store = await reopen();
    this.registry = this.createRegistry();
  }

  private createRegistry(): DocumentRegistry {
    return new DocumentRegistry({
      store: this.store,
      unloadGraceMs: this.unloadGraceMs,
      channelFor: (docName) => ({
        broadcast: (event, payload, exceptIds) => {
          if (event !== 'update') return;
          this.onSent('relay', docName, payload);
          for (const { link } of this.attached.values()) {
            if (link.docName === docName && link.open && !exceptIds.includes(link.id)) link.toClient.push({ kind: 'broadcast', payload });
          }
        },
        sendTo: (connectionId, event, payload) => {
          const link = this.attached.get(connectionId)?.link;
          if (event === 'update') this.onSent('relay', docName, payload);
          if (event === 'update' && link?.open) link.toClient.push({ kind: 'broadcast', payload });
        },
      }),
    });
  }
}
