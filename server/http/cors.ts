/**
 * Browser origins allowed to talk to the server.
 *
 * Security: CORS headers only govern what a browser lets a page *read*; WebSocket upgrades are not
 * subject to CORS at all. So the Socket.io endpoint refuses any browser request whose Origin is
 * neither the server's own (same origin: the Origin's host is the request's Host) nor configured,
 * for every transport, by default: a page on another site cannot open a connection to a developer's
 * local server, nor one riding on the user's cookies (cross-site WebSocket hijacking). Requests
 * without an Origin header come from non-browser clients, which could forge any header anyway;
 * they are authenticated by their token.
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

/**
 * Same origin, as far as the server can tell: the page's origin names the host (and port) the
 * request was sent to. The scheme is not compared: behind a TLS-terminating proxy the server sees
 * http while the page is https. A proxy that rewrites Host (Vite's `changeOrigin`) needs the page's
 * origin configured instead.
 */
export function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.host.toLowerCase() === host.trim().toLowerCase();
}

type Headers = Record<string, string | string[] | undefined>;

/** Whether a browser request (with these headers) may use the Socket.io endpoint. */
export function requestOriginAllowed(headers: Headers, allowed: CorsOrigins | undefined): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  if (typeof origin !== 'string') return false;
  const host = typeof headers.host === 'string' ? headers.host : undefined;
  return originAllowed(origin, allowed) || sameOrigin(origin, host);
}

/** engine.io's `allowRequest`: refuses browser requests from other origins than the server's own or the configured ones. */
export function originGate(allowed: CorsOrigins | undefined) {
  return (req: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void): void => {
    if (requestOriginAllowed(req.headers, allowed)) callback(null, true);
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
