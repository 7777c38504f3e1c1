/**
 * Browser origins allowed to talk to the server.
 *
 * Security: CORS headers only govern what a browser lets a page *read*; WebSocket upgrades are not
 * subject to CORS at all. So when origins are configured, the Socket.io endpoint also refuses any
 * request whose Origin header is not allowed, for every transport: a page on another site cannot
 * open a connection riding on the user's cookies (cross-site WebSocket hijacking). Requests without
 * an Origin header come from non-browser clients, which could forge any header anyway; they are
 * authenticated by their token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsOrigins } from '../options.js';

/** `'*'`, alone or in a list, means any origin (the CLI's spelling). */
export function normalizeCorsOrigins(allowed: CorsOrigins | undefined): CorsOrigins | undefined {
  if (allowed === '*' || (Array.isArray(allowed) && allowed.includes('*'))) return true;
  return allowed;
}

/** Compares origins the way browsers send them: scheme://host[:port], no path, lower case. */
function normalize(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

export function originAllowed(origin: string, allowed: CorsOrigins | undefined): boolean {
  if (allowed === true) return true;
  if (allowed === undefined || allowed === false) return false;
  const list = typeof allowed === 'string' ? [allowed] : allowed;
  const wanted = normalize(origin);
  return list.some((entry) => normalize(entry) === wanted);
}

/** Whether the Socket.io endpoint must check the Origin of each request. */
export function enforcesOrigins(allowed: CorsOrigins | undefined): boolean {
  return allowed !== undefined && allowed !== false && allowed !== true;
}

/** engine.io's `allowRequest`: refuses browser requests from origins not on the list. */
export function originGate(allowed: CorsOrigins | undefined) {
  return (req: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void): void => {
    const origin = req.headers.origin;
    if (origin === undefined || originAllowed(origin, allowed)) callback(null, true);
    else callback('Origin not allowed', false);
  };
}

/**
 * Adds CORS headers for an allowed origin to a response of the server's own HTTP routes. Returns
 * true when it answered the request itself (a preflight).
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, allowed: CorsOrigins | undefined): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || !originAllowed(origin, allowed)) return false;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false;
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, HEAD, OPTIONS',
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}
