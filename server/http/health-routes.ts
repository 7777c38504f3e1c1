/**
 * GET /healthz: the process is alive and its event loop answers (liveness; never checks
 * dependencies, so a slow disk does not get the process restarted in a loop).
 * GET /readyz: 200 only while ready for clients; 503 while starting or shutting down.
 */
import type { RequestHandler } from './static-files.js';
import type { Readiness } from './readiness.js';
import { pathnameOf, sendJson } from './respond.js';

export function healthRoutes(readiness: Readiness): RequestHandler {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = pathnameOf(req);
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return true;
    }
    if (path === '/readyz') {
      const report = readiness.report();
      sendJson(res, report.ready ? 200 : 503, report);
      return true;
    }
    return false;
  };
}
