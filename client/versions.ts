/**
 * `provider.versions`: the document's version history through the provider's connection —
 * list, create, get (a full state as one Yjs update) and restore, plus `created` and `restored`
 * events pushed by the server for every client of the document.
 *
 * Requests made while disconnected wait for the connection (Socket.io buffers them) up to
 * `timeoutMs`. Failures reject with a VersionRequestError carrying a stable code (shared/errors.ts):
 * READ_ONLY and PERMISSION_DENIED for lacking rights, VERSION_NOT_FOUND, RESTORE_IN_PROGRESS, …
 */
import { ObservableV2 } from 'lib0/observable';
import type { Socket } from 'socket.io-client';
import { isAck } from '../shared/ack.js';
import { type ErrorCode, ErrorCodes } from '../shared/errors.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../shared/events.js';
import type { VersionCreatedEvent, VersionInfo, VersionRestoredEvent } from '../shared/versions.js';
import { toBytes } from './binary.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ProviderVersionsEvents {
  /** A version of the document was created (by anyone, automatic ones included). */
  created: (event: VersionCreatedEvent) => void;
  /** A restore was applied; its change arrives like any other remote update. */
  restored: (event: VersionRestoredEvent) => void;
}

export class VersionRequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VersionRequestError';
  }
}

export class ProviderVersions extends ObservableV2<ProviderVersionsEvents> {
  constructor(
    private socket: ClientSocket,
    /** How long a request may wait for its answer (and for a connection), in ms. */
    readonly timeoutMs = 30_000,
  ) {
    super();
    socket.on('version-created', this.onCreated);
    socket.on('version-restored', this.onRestored);
  }

  async list(): Promise<VersionInfo[]> {
    return (await this.request('versions:list', {})).versions;
  }

  /** A version of the document as the server has it now, named `name` (optional). Needs write access. */
  async create(options: { name?: string | null } = {}): Promise<VersionInfo> {
    return (await this.request('versions:create', { name: options.name ?? null })).version;
  }

  /** The version's full state as one Yjs update: apply it to a fresh Y.Doc to read it. */
  async get(id: number): Promise<Uint8Array> {
    return toBytes((await this.request('versions:get', { id })).update);
  }

  /**
   * Restores a version as a forward change (edits made meanwhile, by anyone, are kept). Needs
   * write access. Resolves with the backup (restore it to undo) and the restore version.
   */
  async restore(id: number): Promise<VersionRestoredEvent> {
    const { restoredId, backup, restore } = await this.request('versions:restore', { id });
    return { restoredId, backup, restore };
  }

  /** The provider moved its document to another connection (connection-pool.ts): listen there. */
  rebind(socket: ClientSocket): void {
    this.socket.off('version-created', this.onCreated);
    this.socket.off('version-restored', this.onRestored);
    this.socket = socket;
    socket.on('version-created', this.onCreated);
    socket.on('version-restored', this.onRestored);
  }

  override destroy(): void {
    this.socket.off('version-created', this.onCreated);
    this.socket.off('version-restored', this.onRestored);
    super.destroy();
  }

  private request<E extends 'versions:list' | 'versions:create' | 'versions:get' | 'versions:restore'>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<Extract<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0], { ok: true }>> {
    type Reply = Extract<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0], { ok: true }>;
    return new Promise<Reply>((resolve, reject) => {
      // Socket.io's typed emit cannot follow a generic event name; the payload type is checked above.
      const timed = this.socket.timeout(this.timeoutMs) as unknown as {
        emit(event: string, payload: unknown, ack: (err: Error | null, reply: unknown) => void): void;
      };
      timed.emit(event, payload, (err, reply) => {
        if (err !== null) {
          reject(new VersionRequestError(ErrorCodes.INTERNAL, 'The server did not answer in time.'));
        } else if (!isAck(reply)) {
          reject(new VersionRequestError(ErrorCodes.BAD_PAYLOAD, 'The server sent an answer of the wrong shape.'));
        } else if (reply.ok) {
          resolve(reply as Reply);
        } else {
          reject(new VersionRequestError(reply.code, reply.message));
        }
      });
    });
  }

  private readonly onCreated = (event: VersionCreatedEvent): void => this.emit('created', [event]);
  private readonly onRestored = (event: VersionRestoredEvent): void => this.emit('restored', [event]);
}
