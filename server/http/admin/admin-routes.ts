/**
 * The admin HTTP API, under /admin, for operators' scripts. Off unless a token is configured;
 * every request needs `Authorization: Bearer <token>`.
 *
 *   GET    /admin/documents                 list: name, bytes stored, last change, loaded
 *   GET    /admin/documents/<name>          the document's shared types as JSON
 *   GET    /admin/documents/<name>/update   the document as one Yjs update (binary)
 *   POST   /admin/documents/<name>/update   apply a Yjs update (binary body); reaches clients
 *   DELETE /admin/documents/<name>          disconnect its clients and delete every record
 *   …/documents/<name>/versions[/<id>[/update|/restore]]   version history: version-routes.ts
 *   POST   /admin/access/recheck            re-run authorization for open sessions ({"document"?})
 *   POST   /admin/access/revoke             revoke a subject's tokens and end its sessions ({"subject"})
 *
 * `<name>` is encodeURIComponent(document name). Errors are `{ ok: false, code, message }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { docNameProblem, normalizeDocName } from '../../../shared/doc-name.js';
import type { CoreObserver } from '../../core/observer.js';
import type { Readiness } from '../readiness.js';
import { hasBearerToken, pathnameOf, sendError, sendJson, sendUnauthorized } from '../respond.js';
import type { RequestHandler } from '../static-files.js';
import type { AdminBackend } from './backend.js';
import { AdminError, applyUpdate, deleteDocument, documentJson, documentState, listDocuments } from './documents.js';
import { StateWorker } from './off-thread.js';
import { readBody } from './request-body.js';
import { type VersionRoute, dispatchVersions, parseVersionRoute } from './version-routes.js';

const PREFIX = '/admin';

export interface AdminOptions {
  /** Null turns the API off. */
  token: string | null;
  /** The documents, through the narrow interface the API needs. */
  backend: AdminBackend;
  readiness: Readiness;
  maxUpdateBytes: number;
  observer: CoreObserver;
  /** Told about every change made through the API (an audit trail for the log). */
  audit?: (event: AdminAuditEvent) => void;
}

export type AdminAuditEvent =
  | { action: 'apply-update'; docName: string; bytes: number }
  | { action: 'delete'; docName: string }
  | { action: 'create-version' | 'restore-version' | 'rename-version' | 'delete-version'; docName: string }
  | { action: 'recheck-access'; docName: string | null; revoked: number; changed: number }
  | { action: 'revoke'; docName: null; subject: string; revoked: number; changed: number };

export function adminRoutes(options: AdminOptions): RequestHandler {
  const worker = new StateWorker();
  return async (req, res) => {
    const path = pathnameOf(req);
    if (path !== PREFIX && !path.startsWith(`${PREFIX}/`)) return false;
    const { token } = options;
    if (token === null) {
      sendError(res, 404, 'NOT_FOUND', 'The admin API is off; start quire with --admin-token to turn it on.');
      return true;
    }
    if (!hasBearerToken(req, token)) {
      options.observer.error({ docName: null, code: 'UNAUTHORIZED', operation: 'admin' });
      sendUnauthorized(res, 'quire admin');
      return true;
    }
    let docName: string | null = null;
    try {
      if (options.readiness.phase === 'stopping') {
        throw new AdminError(503, 'SHUTTING_DOWN', 'The server is shutting down.');
      }
      const route = parseRoute(path.slice(PREFIX.length));
      docName = route.docName;
      await dispatch(req, res, route, options, worker);
    } catch (error) {
      const known = error instanceof AdminError ? error : null;
      options.observer.error({
        docName,
        code: known?.code ?? 'INTERNAL',
        operation: 'admin',
        cause: known === null ? error : undefined,
      });
      if (res.headersSent) res.destroy();
      else if (known !== null) sendError(res, known.status, known.code, known.message);
      else sendError(res, 500, 'INTERNAL', 'Internal server error.');
      // An unread body would otherwise keep the connection busy.
      if (!req.complete) res.once('finish', () => req.destroy());
    }
    return true;
  };
}

interface Route {
  docName: string | null;
  resource: 'collection' | 'document' | 'update' | 'versions' | 'recheck' | 'revoke';
  versions?: VersionRoute;
}

function parseRoute(rest: string): Route {
  if (rest === '/documents' || rest === '/documents/') return { docName: null, resource: 'collection' };
  if (rest === '/access/recheck') return { docName: null, resource: 'recheck' };
  if (rest === '/access/revoke') return { docName: null, resource: 'revoke' };
  const match = /^\/documents\/([^/]+)(\/update|\/versions(?:\/.*)?)?$/.exec(rest);
  if (match === null) throw new AdminError(404, 'NOT_FOUND', 'No such admin route; see docs/OPERATING.md.');
  let name: string;
  try {
    name = decodeURIComponent(match[1]!);
  } catch {
    throw new AdminError(400, 'BAD_DOC_NAME', 'The document name is not valid percent-encoding.');
  }
  // Names that look the same are one document: the admin API takes any spelling, like the provider.
  if (name.isWellFormed()) name = normalizeDocName(name);
  const problem = docNameProblem(name);
  if (problem !== null) throw new AdminError(400, 'BAD_DOC_NAME', problem);
  if (match[2]?.startsWith('/versions') === true) {
    const versions = parseVersionRoute(name, match[2]);
    if (versions === null) throw new AdminError(404, 'NOT_FOUND', 'No such admin route; see docs/OPERATING.md.');
    return { docName: name, resource: 'versions', versions };
  }
  return { docName: name, resource: match[2] === undefined ? 'document' : 'update' };
}

async function dispatch(
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
  options: AdminOptions,
  worker: StateWorker,
): Promise<void> {
  const { backend } = options;
  const method = req.method ?? 'GET';
  const name = route.docName;
  if (route.resource === 'recheck' || route.resource === 'revoke') {
    allow(method, ['POST']);
    await changeAccess(req, res, route.resource, options);
    return;
  }
  if (route.resource === 'collection' || name === null) {
    allow(method, ['GET']);
    sendJson(res, 200, { documents: await listDocuments(backend) });
    return;
  }
  if (route.resource === 'versions') {
    await dispatchVersions(req, res, route.versions!, backend.versions, allow, (action) =>
      options.audit?.({ action: action as 'create-version', docName: name }),
    );
    return;
  }
  if (route.resource === 'document') {
    allow(method, ['GET', 'DELETE']);
    if (method === 'GET') {
      sendJson(res, 200, { name, sharedTypes: await documentJson(backend, worker, name) });
    } else {
      await deleteDocument(backend, name);
      options.audit?.({ action: 'delete', docName: name });
      sendJson(res, 200, { ok: true, deleted: name });
    }
    return;
  }
  allow(method, ['GET', 'POST']);
  if (method === 'GET') {
    const state = await documentState(backend, worker, name);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': state.byteLength,
      'cache-control': 'no-store',
    });
    res.end(state);
    return;
  }
  const body = await readBody(req, options.maxUpdateBytes);
  await applyUpdate(backend, name, body);
  options.audit?.({ action: 'apply-update', docName: name, bytes: body.byteLength });
  sendJson(res, 200, { ok: true });
}

const MAX_JSON_BODY = 4096;

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, MAX_JSON_BODY);
  if (body.byteLength === 0) return {};
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(body));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new AdminError(400, 'BAD_REQUEST', 'The body must be a JSON object.');
}

async function changeAccess(req: IncomingMessage, res: ServerResponse, action: 'recheck' | 'revoke', options: AdminOptions): Promise<void> {
  const { backend } = options;
  const body = await jsonBody(req);
  if (action === 'revoke') {
    const { subject } = body;
    if (typeof subject !== 'string' || subject.length === 0)
      throw new AdminError(400, 'BAD_REQUEST', 'Give the "subject" (the tokens\' "sub") to revoke.');
    if (backend.revokeSubject === null) {
      throw new AdminError(409, 'REVOKE_UNAVAILABLE', 'Revoking needs JWT authentication (--jwt-secret or --jwt-public-key).');
    }
    backend.revokeSubject(subject);
    const result = await backend.recheckAccess();
    options.audit?.({ action: 'revoke', docName: null, subject, revoked: result.revoked, changed: result.changed });
    sendJson(res, 200, { ok: true, subject, ...result });
    return;
  }
  let docName: string | undefined;
  if (body.document !== undefined) {
    if (typeof body.document !== 'string') throw new AdminError(400, 'BAD_DOC_NAME', 'The "document" must be a document name.');
    docName = body.document.isWellFormed() ? normalizeDocName(body.document) : body.document;
    const problem = docNameProblem(docName);
    if (problem !== null) throw new AdminError(400, 'BAD_DOC_NAME', problem);
  }
  const result = await backend.recheckAccess(docName);
  options.audit?.({ action: 'recheck-access', docName: docName ?? null, revoked: result.revoked, changed: result.changed });
  sendJson(res, 200, { ok: true, ...result });
}

function allow(method: string, allowed: readonly string[]): void {
  if (!allowed.includes(method)) {
    throw new AdminError(405, 'METHOD_NOT_ALLOWED', `Use ${allowed.join(' or ')} here.`);
  }
}
