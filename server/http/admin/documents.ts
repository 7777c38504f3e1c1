/**
 * What the admin API does to documents, through the narrow AdminBackend. Failures are
 * AdminErrors with an HTTP status and a stable code.
 *
 * A document that is not loaded is read from the store and merged on a worker thread: its tail
 * may hold thousands of updates, and merging them on the event loop would stall every client.
 */
import { isOwnersDocumentName } from '../../core/client-id-owners.js';
import * as Y from 'yjs';
import { QuireError } from '../../../shared/errors.js';
import type { StoredDocumentInfo } from '../../persistence/types.js';
import type { AdminBackend } from './backend.js';
import type { StateWorker } from './off-thread.js';
import type { RootJson } from './shared-types-json.js';

export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DocumentSummary extends StoredDocumentInfo {
  /** Whether the document is in memory right now (clients connected, or within the grace period). */
  loaded: boolean;
}

export async function listDocuments(backend: AdminBackend): Promise<DocumentSummary[]> {
  const stored = await backend.listStored();
  return (
    stored
      // Each document's client-id owners are kept in a shadow document of the store, not a document.
      .filter((info) => !isOwnersDocumentName(info.name))
      .map((info) => ({ ...info, loaded: backend.isLoaded(info.name) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  );
}

/** The updates that make up the document: its live state when loaded (it may hold writes in flight), else what is stored. */
async function documentUpdates(backend: AdminBackend, name: string): Promise<Uint8Array[]> {
  const live = await backend.loadedState(name);
  if (live !== null) return [live];
  let stored: Uint8Array[];
  try {
    stored = await backend.storedUpdates(name);
  } catch (error) {
    // A damaged document is refused with what is wrong, never answered as an empty one.
    throw new AdminError(500, 'LOAD_FAILED', `The document could not be loaded: ${(error as Error).message}`);
  }
  if (stored.length === 0) throw notFound(name);
  return stored;
}

/** The document's whole state as one Yjs update, without loading it into the server. */
export async function documentState(backend: AdminBackend, worker: StateWorker, name: string): Promise<Uint8Array> {
  return worker.mergedUpdate(await documentUpdates(backend, name));
}

export async function documentJson(backend: AdminBackend, worker: StateWorker, name: string): Promise<Record<string, RootJson>> {
  return worker.sharedTypes(await documentUpdates(backend, name));
}

/** Applies an update as the server; it reaches connected clients. Resolves once durable. */
export async function applyUpdate(backend: AdminBackend, name: string, update: Uint8Array): Promise<void> {
  try {
    // Validate before loading anything, so a bad request has no side effect.
    Y.decodeUpdate(update);
  } catch {
    throw new AdminError(400, 'MALFORMED_UPDATE', 'The body is not a Yjs update (encoded with Y.encodeStateAsUpdate or an update event).');
  }
  try {
    await backend.applyUpdate(name, update);
  } catch (error) {
    if (error instanceof QuireError && error.code === 'MALFORMED_UPDATE') {
      throw new AdminError(400, 'MALFORMED_UPDATE', error.message);
    }
    // Stored, but held back until what it builds on arrives: not yet visible to readers.
    if (error instanceof QuireError && error.code === 'MISSING_DEPENDENCIES') {
      throw new AdminError(409, 'MISSING_DEPENDENCIES', error.message);
    }
    throw error;
  }
}

/** Deletes every stored record of the document; never loads it to find out whether it exists. */
export async function deleteDocument(backend: AdminBackend, name: string): Promise<void> {
  if (!(await backend.deleteDocument(name))) throw notFound(name);
}

function notFound(name: string): AdminError {
  return new AdminError(404, 'DOCUMENT_NOT_FOUND', `No document named ${JSON.stringify(name)} is stored.`);
}
