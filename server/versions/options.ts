/**
 * Version history options (`createServer({ versions })`) and their defaults.
 */
import type { RateLimit } from '../limits/token-bucket.js';

export type VersionAction = 'list' | 'create' | 'get' | 'restore';

export interface VersionOptions {
  /** Take automatic versions at all. Default true. */
  automatic?: boolean;
  /** An automatic version once the content changed and this long has passed, in ms. Default 10 min. */
  intervalMs?: number;
  /** An automatic version after this long without changes, in ms. Default 2 min. */
  idleMs?: number;
  /** Roots a restore brings back when the caller names none. Default ['default'] (the editor's). */
  restoreRoots?: string[];
  /**
   * Above this many bytes (version plus live state), a restore's revert is computed in a worker
   * thread. Default 128 KiB: the revert of automerge-paper (2 × 304 kB) takes about a second, which
   * would stall every other document on the main thread; starting a worker costs ~0.2 s.
   */
  workerThresholdBytes?: number;
  /**
   * The name recorded as a version's author for a connection's principal. Default: a string
   * principal itself; else its `subject`, `sub`, `name` or `id` when one is a string; else 'anonymous'.
   */
  authorName?: (principal: unknown) => string;
  /**
   * A stricter policy for clients' version requests: called after the built-in rule (list and get
   * need read access, create and restore write access); false or a throw refuses with PERMISSION_DENIED.
   */
  authorize?: (principal: unknown, docName: string, action: VersionAction) => boolean | Promise<boolean>;
  /**
   * How often clients may create or restore versions of one document (all its connections
   * together): each writes versions that stay until deleted, and a restore of a large document
   * costs a second of CPU. Default 1 every 5 s, bursts of 10; over it, RATE_LIMITED.
   */
  clientWrites?: RateLimit;
  /** Retention of automatic and backup versions (retention.ts). */
  retention?: Partial<RetentionOptions>;
}

export interface RetentionOptions {
  /** Keep every automatic version this long, in ms. Default 24 h. */
  keepAllMs: number;
  /** Then one per hour up to this age. Default 7 days. */
  hourlyUntilMs: number;
  /** Then one per day up to this age; one per week after. Default 90 days. */
  dailyUntilMs: number;
  /** Backups older than this are deleted. Default 30 days. */
  backupMaxAgeMs: number;
  /**
   * At most this many versions per document: the oldest automatic ones go first, then backups;
   * creating a named version beyond it fails with VERSION_LIMIT. Default 500.
   */
  maxVersions: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const versionDefaults = {
  automatic: true,
  intervalMs: 10 * MINUTE,
  idleMs: 2 * MINUTE,
  restoreRoots: ['default'],
  workerThresholdBytes: 128 * 1024,
  clientWrites: { perSecond: 0.2, burst: 10 } satisfies RateLimit,
  retention: {
    keepAllMs: DAY,
    hourlyUntilMs: 7 * DAY,
    dailyUntilMs: 90 * DAY,
    backupMaxAgeMs: 30 * DAY,
    maxVersions: 500,
  } satisfies RetentionOptions,
} as const;

export type ResolvedVersionOptions = Required<Omit<VersionOptions, 'authorize' | 'retention'>> &
  Pick<VersionOptions, 'authorize'> & { retention: RetentionOptions };

export function resolveVersionOptions(options: VersionOptions = {}): ResolvedVersionOptions {
  return {
    automatic: options.automatic ?? versionDefaults.automatic,
    intervalMs: options.intervalMs ?? versionDefaults.intervalMs,
    idleMs: options.idleMs ?? versionDefaults.idleMs,
    restoreRoots: [...(options.restoreRoots ?? versionDefaults.restoreRoots)],
    workerThresholdBytes: options.workerThresholdBytes ?? versionDefaults.workerThresholdBytes,
    authorName: options.authorName ?? defaultAuthorName,
    authorize: options.authorize,
    clientWrites: { ...(options.clientWrites ?? versionDefaults.clientWrites) },
    retention: { ...versionDefaults.retention, ...options.retention },
  };
}

export function defaultAuthorName(principal: unknown): string {
  if (typeof principal === 'string' && principal.length > 0) return principal;
  if (typeof principal === 'object' && principal !== null) {
    const p = principal as Record<string, unknown>;
    for (const field of ['subject', 'sub', 'name', 'id']) {
      const value = p[field];
      if (typeof value === 'string' && value.length > 0) return value;
    }
  }
  return 'anonymous';
}
