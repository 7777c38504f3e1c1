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
 *
 * `<name>` is encodeURIComponent(document name). Errors are `{ ok: false, code, message }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { docNameProblem } from '../../../shared/doc-name.js';
import type { QuireServer } from '../../create-server.js';
import type { CoreObserver } from '../../core/observer.js';
import type { Readiness } from '../readiness.js';
import { hasBearerToken, pathnameOf, sendError, sendJson, sendUnauthorized } from '../respond.js';
import type { RequestHandler } from '../static-files.js';
import { AdminError, applyUpdate, deleteDocument, documentJson, documentState, listDocuments } from './documents.js';
import { readBody } from './request-body.js';
import { type VersionRoute, dispatchVersions, parseVersionRoute } from './version-routes.js';

const PREFIX = '/admin';

export interface AdminOptions {
  /** Null turns the API off. */
  token: string | null;
  /** Resolved lazily: routes are registered before the server exists. */
  server: () => QuireServer;
  readiness: Readiness;
  maxUpdateBytes: number;
  observer: CoreObserver;
  /** Told about every change made through the API (an audit trail for the log). */
  audit?: (event: AdminAuditEvent) => void;
}

export type AdminAuditEvent =
  | { action: 'apply-update'; docName: string; bytes: number }
  | { action: 'delete'; docName: string }
  | { action: 'create-version' | 'restore-version' | 'rename-version' | 'delete-version'; docName: string };

export function adminRoutes(options: AdminOptions): RequestHandler {
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
      await dispatch(req, res, route, options);
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
  /** null: the collection; '': the document; 'update': its update resource. */
  resource: 'collection' | 'document' | 'update' | 'versions';
  versions?: VersionRoute;
}

function parseRoute(rest: string): Route {
  if (rest === '/documents' || rest === '/documents/') return { docName: null, resource: 'collection' };
  const match = /^\/documents\/([^/]+)(\/update|\/versions(?:\/.*)?)?$/.exec(rest);
  if (match === null) throw new AdminError(404, 'NOT_FOUND', 'No such admin route; see docs/OPERATING.md.');
  let name: string;
  try {
    name = decodeURIComponent(match[1]!);
  } catch {
    throw new AdminError(400, 'BAD_DOC_NAME', 'The document name is not valid percent-encoding.');
  }
  const problem = docNameProblem(name);
  if (problem !== null) throw new AdminError(400, 'BAD_DOC_NAME', problem);
  if (match[2]?.startsWith('/versions') === true) {
    const versions = parseVersionRoute(name, match[2]);
    if (versions === null) throw new AdminError(404, 'NOT_FOUND', 'No such admin route; see docs/OPERATING.md.');
    return { docName: name, resource: 'versions', versions };
  }
  return { docName: name, resource: match[2] === undefined ? 'document' : 'update' };
}

async function dispatch(req: IncomingMessage, res: ServerResponse, route: Route, options: AdminOptions): Promise<void> {
  const server = options.server();
  const method = req.method ?? 'GET';
  const name = route.docName;
  if (route.resource === 'collection' || name === null) {
    allow(method, ['GET']);
    sendJson(res, 200, { documents: await listDocuments(server) });
    return;
  }
  if (route.resource === 'versions') {
    await dispatchVersions(req, res, route.versions!, server.versions, allow, (action) =>
      options.audit?.({ action: action as 'create-version', docName: name }),
    );
    return;
  }
  if (route.resource === 'document') {
    allow(method, ['GET', 'DELETE']);
    if (method === 'GET') {
      sendJson(res, 200, { name, sharedTypes: await documentJson(server, name) });
    } else {
      await deleteDocument(server, name);
      options.audit?.({ action: 'delete', docName: name });
      sendJson(res, 200, { ok: true, deleted: name });
    }
    return;
  }
  allow(method, ['GET', 'POST']);
  if (method === 'GET') {
    const state = await documentState(server, name);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': state.byteLength,
      'cache-control': 'no-store',
    });
    res.end(state);
    return;
  }
  const body = await readBody(req, options.maxUpdateBytes);
  await applyUpdate(server, name, body);
  options.audit?.({ action: 'apply-update', docName: name, bytes: body.byteLength });
  sendJson(res, 200, { ok: true });
}

function allow(method: string, allowed: readonly string[]): void {
  if (!allowed.includes(method)) {
    throw new AdminError(405, 'METHOD_NOT_ALLOWED', `Use ${allowed.join(' or ')} here.`);
  }
}
