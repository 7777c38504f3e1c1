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
  /** Largest update frame (or part of one) in one message. */
  maxUpdateBytes: number;
  /** Largest update frame assembled from parts; also what one connection may hold half-assembled. */
  maxAssembledUpdateBytes: number;
  /** Part size the server tells clients to use: fits maxUpdateBytes and the message limit on every transport. */
  partBytes: number;
  maxAwarenessBytes: number;
  maxDocumentsPerConnection: number;
  rates: RateLimits;
}
