/**
 * GET /metrics in the Prometheus text format. Off when metrics are disabled (404, so nothing
 * falls through to the front-end); behind a Bearer token when one is configured.
 */
import type { QuireMetrics } from '../observability/metrics.js';
import type { RequestHandler } from './static-files.js';
import { hasBearerToken, pathnameOf, sendError, sendUnauthorized } from './respond.js';

export function metricsRoute(metrics: QuireMetrics | null, token: string | undefined): RequestHandler {
  return async (req, res) => {
    if (pathnameOf(req) !== '/metrics') return false;
    if (metrics === null) {
      sendError(res, 404, 'NOT_FOUND', 'Metrics are turned off (--no-metrics).');
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'METHOD_NOT_ALLOWED', 'Use GET.', { allow: 'GET, HEAD' });
      return true;
    }
    if (token !== undefined && !hasBearerToken(req, token)) {
      sendUnauthorized(res, 'quire metrics');
      return true;
    }
    const text = await metrics.render();
    res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
    return true;
  };
}
