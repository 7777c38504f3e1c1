/** Small helpers shared by the operations routes: JSON answers, error envelopes, Bearer tokens. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The error envelope of every operations route, shaped like the socket acks: `{ ok: false, code, message }`. */
export interface HttpErrorBody {
  ok: false;
  code: string;
  message: string;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  const body: HttpErrorBody = { ok: false, code, message };
  sendJson(res, status, body, headers);
}

/**
 * Whether the request carries `Authorization: Bearer <token>`. Both sides are hashed first so the
 * comparison takes the same time whatever the lengths, and never short-circuits on a prefix.
 */
export function hasBearerToken(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return false;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (match === null) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}

export function sendUnauthorized(res: ServerResponse, realm: string): void {
  sendError(res, 401, 'UNAUTHORIZED', 'A valid "Authorization: Bearer <token>" header is required.', {
    'www-authenticate': `Bearer realm="${realm}"`,
  });
}

export function pathnameOf(req: IncomingMessage): string {
  // The raw (still percent-encoded) path: document names may contain encoded slashes.
  const url = req.url ?? '/';
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}
