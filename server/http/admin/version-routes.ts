/**
 * The version routes of the admin API (see admin-routes.ts for authentication and errors):
 *
 *   GET    /admin/documents/<name>/versions                  { versions: VersionInfo[] }
 *   POST   /admin/documents/<name>/versions                  body { name? } → { ok, version }
 *   GET    /admin/documents/<name>/versions/<id>             { name, version, sharedTypes } (JSON like the document route)
 *   GET    /admin/documents/<name>/versions/<id>/update      the version's full state, one Yjs update (binary)
 *   POST   /admin/documents/<name>/versions/<id>/restore     body { roots? } → { ok, backup, restore, changed }
 *   PATCH  /admin/documents/<name>/versions/<id>             body { name } (null removes it) → { ok, version }
 *   DELETE /admin/documents/<name>/versions/<id>             → { ok, deleted }
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCodes, QuireError } from '../../../shared/errors.js';
import { isVersionId, isVersionName } from '../../../shared/versions.js';
import type { ServerVersions } from '../../versions/service.js';
import { sendJson } from '../respond.js';
import { AdminError } from './documents.js';
import { readBody } from './request-body.js';
import { sharedTypesToJson } from './shared-types-json.js';

const MAX_JSON_BODY = 64 * 1024;

export interface VersionRoute {
  docName: string;
  /** Null: the collection. */
  id: number | null;
  action: 'version' | 'update' | 'restore';
}

/** Parses `versions`, `versions/<id>`, `versions/<id>/update|restore` (what follows the document name). */
export function parseVersionRoute(docName: string, rest: string): VersionRoute | null {
  const match = /^\/versions(?:\/([^/]+)(?:\/(update|restore))?)?\/?$/.exec(rest);
  if (match === null) return null;
  if (match[1] === undefined) return { docName, id: null, action: 'version' };
  const id = /^[1-9][0-9]{0,15}$/.test(match[1]) ? Number(match[1]) : Number.NaN;
  if (!isVersionId(id)) throw new AdminError(400, 'BAD_PAYLOAD', 'A version id is a positive integer.');
  return { docName, id, action: (match[2] as 'update' | 'restore' | undefined) ?? 'version' };
}

export async function dispatchVersions(
  req: IncomingMessage,
  res: ServerResponse,
  route: VersionRoute,
  versions: ServerVersions,
  allow: (method: string, allowed: readonly string[]) => void,
  audit: (action: string) => void,
): Promise<void> {
  const method = req.method ?? 'GET';
  const { docName, id } = route;
  try {
    if (id === null) {
      allow(method, ['GET', 'POST']);
      if (method === 'GET') {
        sendJson(res, 200, { versions: await versions.list(docName) });
        return;
      }
      const { name } = await readJson(req);
      if (!(name === undefined || name === null || isVersionName(name)))
        throw new AdminError(400, 'BAD_PAYLOAD', 'A version name is 1 to 200 characters.');
      const version = await versions.create(docName, { name: name ?? null, by: 'admin' });
      audit('create-version');
      sendJson(res, 200, { ok: true, version });
      return;
    }
    if (route.action === 'update') {
      allow(method, ['GET']);
      const state = await versions.get(docName, id);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': state.byteLength, 'cache-control': 'no-store' });
      res.end(state);
      return;
    }
    if (route.action === 'restore') {
      allow(method, ['POST']);
      const { roots } = await readJson(req);
      if (
        !(
          roots === undefined ||
          (Array.isArray(roots) && roots.length > 0 && roots.every((r) => typeof r === 'string' && r.length > 0 && r.length <= 255))
        )
      ) {
        throw new AdminError(400, 'BAD_PAYLOAD', 'roots is a non-empty list of root names.');
      }
      const result = await versions.restore(docName, id, { by: 'admin', ...(roots === undefined ? {} : { roots: roots as string[] }) });
      audit('restore-version');
      sendJson(res, 200, { ok: true, ...result });
      return;
    }
    allow(method, ['GET', 'PATCH', 'DELETE']);
    if (method === 'GET') {
      const info = (await versions.list(docName)).find((v) => v.id === id);
      if (info === undefined) throw new QuireError(ErrorCodes.VERSION_NOT_FOUND);
      sendJson(res, 200, { name: docName, version: info, sharedTypes: sharedTypesToJson(await versions.get(docName, id)) });
    } else if (method === 'PATCH') {
      const { name } = await readJson(req);
      if (!(name === null || isVersionName(name))) throw new AdminError(400, 'BAD_PAYLOAD', 'name is 1 to 200 characters, or null.');
      const version = await versions.rename(docName, id, name);
      audit('rename-version');
      sendJson(res, 200, { ok: true, version });
    } else {
      await versions.delete(docName, id);
      audit('delete-version');
      sendJson(res, 200, { ok: true, deleted: id });
    }
  } catch (error) {
    throw asAdminError(error);
  }
}

const statusOfCode: Partial<Record<string, number>> = {
  [ErrorCodes.VERSION_NOT_FOUND]: 404,
  [ErrorCodes.DOCUMENT_NOT_FOUND]: 404,
  [ErrorCodes.RESTORE_IN_PROGRESS]: 409,
  [ErrorCodes.VERSIONS_UNAVAILABLE]: 501,
  [ErrorCodes.STORE_FAILED]: 503,
  [ErrorCodes.LOAD_FAILED]: 503,
  [ErrorCodes.BAD_PAYLOAD]: 400,
};

function asAdminError(error: unknown): unknown {
  if (error instanceof QuireError) return new AdminError(statusOfCode[error.code] ?? 500, error.code, error.message);
  return error;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, MAX_JSON_BODY);
  if (body.byteLength === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new AdminError(400, 'BAD_PAYLOAD', 'The body is not JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new AdminError(400, 'BAD_PAYLOAD', 'The body is not a JSON object.');
  return parsed as Record<string, unknown>;
}
