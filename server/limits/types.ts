import type { RateLimit } from './token-bucket.js';

/** Per-connection rate limits. A connection is one engine.io connection: all of a client's documents. */
export interface RateLimits {
  /** Update messages (`update` events). */
  updates: RateLimit;
  /** Bytes of update messages. `burst` is raised to at least `maxUpdateBytes`. */
  updateBytes: RateLimit;
  /** Awareness messages. */
  awareness: RateLimit;
  /** Documents opened (namespace joins, whether admitted or refused). */
  joins: RateLimit;
  /** Sync requests (`sync-step-1`). */
  syncs: RateLimit;
  /**
   * Refused messages tolerated (bad payloads, malformed updates, rate-limited or unauthorized
   * requests…). When this runs out, the whole connection is closed with POLICY_VIOLATION.
   */
  violations: RateLimit;
}

/** Every limit, resolved from the options and the defaults. */
export interface ConnectionLimits {
  maxUpdateBytes: number;
  maxAwarenessBytes: number;
  maxDocumentsPerConnection: number;
  /** Bytes that may wait to be written to one connection (SLOW_CONSUMER beyond). */
  maxOutgoingBytes: number;
  rates: RateLimits;
}
