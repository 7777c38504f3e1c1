/**
 * Long-polling needs sticky sessions: every request of an engine.io session must reach the node
 * that holds it. A load balancer that spreads them makes the other nodes answer "Session ID
 * unknown" and the client reconnect over and over. Say so, loudly: a warning naming the cause (at
 * most once a minute) and a counter, `quire_unknown_session_requests_total`.
 */
import { Counter, type Registry } from 'prom-client';
import type { Server as EngineServer } from 'engine.io';
import type { Logger } from '../observability/logger.js';

const UNKNOWN_SID = 1;
const WARN_EVERY_MS = 60_000;

export function watchStickySessions(engine: EngineServer, logger: Logger, registry: Registry | null): void {
  const counter =
    registry === null
      ? null
      : new Counter({
          name: 'quire_unknown_session_requests_total',
          help: 'Requests for an engine.io session this node does not hold (a load balancer without sticky sessions).',
          registers: [registry],
        });
  let lastWarning = 0;
  engine.on('connection_error', (error: { code?: number; req?: { url?: string } }) => {
    if (error.code !== UNKNOWN_SID) return;
    counter?.inc();
    const now = Date.now();
    if (now - lastWarning < WARN_EVERY_MS) return;
    lastWarning = now;
    logger.warn(
      { url: error.req?.url },
      'a request named an engine.io session this node does not hold: the load balancer in front of the nodes must use sticky sessions for long-polling (docs/SCALING.md)',
    );
  });
}
