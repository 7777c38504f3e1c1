/**
 * What the admin API does to documents, in terms of the server's public parts (store, registry,
 * openDocument). Failures are AdminErrors with an HTTP status and a stable code.
 */
import { isOwnersDocumentName } from '../../core/client-id-owners.js';
import * as Y from 'yjs';
import { QuireError } from '../../../shared/errors.js';
import type { QuireServer } from '../../create-server.js';
import type { StoredDocumentInfo } from '../../persistence/types.js';
import { type RootJson, sharedTypesToJson } from './shared-types-json.js';

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

export async function listDocuments(server: QuireServer): Promise<DocumentSummary[]> {
  const stored = await server.store.list();
  return stored
    // Each document's client-id owners are kept in a shadow document of the store, not a document.
    .filter((info) => !isOwnersDocumentName(info.name))
    .map((info) => ({ ...info, loaded: server.registry.isLoaded(info.name) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The document's whole state as one Yjs update: from memory when it is loaded (it may hold edits
 * whose writes are in flight), else merged from the store without loading it into the registry.
 */
export async function documentState(server: QuireServer, name: string): Promise<Uint8Array> {
  const live = server.registry.isLoaded(name) ? await server.registry.peek(name) : null;
  if (live !== null) return Y.encodeStateAsUpdate(live.ydoc);
  let stored: Uint8Array[];
  try {
    stored = await server.store.load(name);
  } catch (error) {
    // A damaged document is refused with what is wrong, never answered as an empty one.
    throw new AdminError(500, 'LOAD_FAILED', `The document could not be loaded: ${(error as Error).message}`);
  }
  if (stored.length === 0) throw notFound(name);
  return stored.length === 1 ? stored[0]! : Y.mergeUpdates(stored);
}

export async function documentJson(server: QuireServer, name: string): Promise<Record<string, RootJson>> {
  return sharedTypesToJson(await documentState(server, name));
}

/** Applies an update as the server; it reaches connected clients. Resolves once durable. */
export async function applyUpdate(server: QuireServer, name: string, update: Uint8Array): Promise<void> {
  try {
    // Validate before loading anything, so a bad request has no side effect.
    Y.decodeUpdate(update);
  } catch {
    throw new AdminError(400, 'MALFORMED_UPDATE', 'The body is not a Yjs update (encoded with Y.encodeStateAsUpdate or an update event).');
  }
  const handle = await server.openDocument(name);
  try {
    await handle.applyUpdate(update);
  } catch (error) {
    if (error instanceof QuireError && error.code === 'MALFORMED_UPDATE') {
      throw new AdminError(400, 'MALFORMED_UPDATE', error.message);
    }
    // Stored, but held back until what it builds on arrives: not yet visible to readers.
    if (error instanceof QuireError && error.code === 'MISSING_DEPENDENCIES') {
      throw new AdminError(409, 'MISSING_DEPENDENCIES', error.message);
    }
    throw error;
  } finally {
    await handle.release().catch(() => {});
  }
}

/** Deletes every stored record of the document (see `QuireServer.deleteDocument`). */
export async function deleteDocument(server: QuireServer, name: string): Promise<void> {
  if (!(await server.deleteDocument(name))) throw notFound(name);
}

function notFound(name: string): AdminError {
  return new AdminError(404, 'DOCUMENT_NOT_FOUND', `No document named ${JSON.stringify(name)} is stored.`);
}
