/**
 * Every setting of the `quire` command, in one validated schema. Each option can come from a
 * flag, an environment variable or a JSON config file (flag > environment > file > default).
 * `optionInfo` (option-info.ts) says how each one is spelled in each source and what it accepts;
 * `--help` and the error messages are generated from it, so they cannot disagree with the schema.
 */
import { z } from 'zod';
import { LOG_FORMATS, LOG_LEVELS } from '../observability/log-levels.js';
import { serverDefaults } from '../options.js';
import { versionDefaults } from '../versions/options.js';
import { DEFAULT_COMPACT_AFTER_BYTES, DEFAULT_COMPACT_AFTER_UPDATES } from '../persistence/leveldb/options.js';
import { boolean, integer, list, rate } from './coerce.js';

const MiB = 1024 * 1024;
export const TOKEN_MIN_LENGTH = 16;
// HS256 needs a secret at least as long as its 256-bit output to resist offline guessing.
export const JWT_SECRET_MIN_LENGTH = 32;

const nonEmpty = z.string().trim().min(1);
// Tokens guard the admin API and metrics; short ones are guessable.
const token = z.string().min(TOKEN_MIN_LENGTH);
const origin = z.union([z.literal('*'), z.string().regex(/^https?:\/\/[^/\s]+$/)]);

export const configSchema = z
  .object({
    port: integer(0, 65_535).default(3000),
    host: nonEmpty.default('127.0.0.1'),
    dataDir: nonEmpty.default('./data'),
    store: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/i)
      .optional(),
    bus: z
      .string()
      .regex(/^rediss?:\/\/\S+$/i)
      .optional(),
    nodeId: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/)
      .optional(),
    staticDir: nonEmpty.optional(),
    path: z
      .string()
      .regex(/^\/[^\s?#]*$/)
      .default(serverDefaults.path),
    corsOrigins: list(origin).optional(),
    fsync: boolean().default(false),
    compactAfterBytes: integer(0, Number.MAX_SAFE_INTEGER).default(DEFAULT_COMPACT_AFTER_BYTES),
    compactAfterUpdates: integer(0, Number.MAX_SAFE_INTEGER).default(DEFAULT_COMPACT_AFTER_UPDATES),
    unloadGraceMs: integer(0, 86_400_000).default(serverDefaults.unloadGraceMs),
    automaticVersions: boolean().default(versionDefaults.automatic),
    versionIntervalMs: integer(1_000, 604_800_000).default(versionDefaults.intervalMs),
    versionIdleMs: integer(1_000, 604_800_000).default(versionDefaults.idleMs),
    requestTimeoutMs: integer(0, 3_600_000).default(serverDefaults.requestTimeoutMs),
    maxMessageBytes: integer(1024, 1024 * MiB).default(serverDefaults.maxMessageBytes),
    maxUpdateBytes: integer(1024, 1024 * MiB).default(serverDefaults.maxUpdateBytes),
    maxAssembledUpdateBytes: integer(1024, 4096 * MiB).default(serverDefaults.maxAssembledUpdateBytes),
    maxAwarenessBytes: integer(256, 16 * MiB).default(serverDefaults.maxAwarenessBytes),
    maxDocumentsPerConnection: integer(1, 1_000_000).default(serverDefaults.maxDocumentsPerConnection),
    maxConnections: integer(1, 10_000_000).default(serverDefaults.maxConnections),
    maxConnectionsPerAddress: integer(1, 10_000_000).default(serverDefaults.maxConnectionsPerAddress),
    trustProxy: boolean().default(false),
    maxLoadedDocuments: integer(1, 10_000_000).default(serverDefaults.maxLoadedDocuments),
    maxLoadedDocumentBytes: integer(MiB, Number.MAX_SAFE_INTEGER).default(serverDefaults.maxLoadedDocumentBytes),
    maxOutgoingBytes: integer(64 * 1024, 1024 * MiB).default(serverDefaults.maxOutgoingBytes),
    jwtSecret: z.string().min(JWT_SECRET_MIN_LENGTH).optional(),
    jwtPublicKey: nonEmpty.optional(),
    jwtIssuer: nonEmpty.optional(),
    jwtAudience: nonEmpty.optional(),
    jwtClaim: nonEmpty.default('docs'),
    jwtClockToleranceSeconds: integer(0, 3600).default(0),
    jwtRequireExp: boolean().default(true),
    recheckAccessIntervalMs: integer(0, 86_400_000).default(0),
    rateUpdates: rate().default(serverDefaults.rateLimits.updates),
    rateUpdateBytes: rate().default(serverDefaults.rateLimits.updateBytes),
    rateAwareness: rate().default(serverDefaults.rateLimits.awareness),
    rateJoins: rate().default(serverDefaults.rateLimits.joins),
    rateSyncs: rate().default(serverDefaults.rateLimits.syncs),
    rateViolations: rate().default(serverDefaults.rateLimits.violations),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    logFormat: z.enum(LOG_FORMATS).default('auto'),
    metrics: boolean().default(true),
    metricsToken: token.optional(),
    adminToken: token.optional(),
    shutdownDelayMs: integer(0, 600_000).default(0),
    shutdownTimeoutMs: integer(100, 600_000).default(30_000),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.maxUpdateBytes > config.maxMessageBytes) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxUpdateBytes'],
        message: `must not exceed --max-message-bytes (${config.maxMessageBytes}): an update travels in one message`,
      });
    }
    // Without a shared store each node would keep its own copy: the bus alone cannot make a cluster.
    if (config.bus !== undefined && config.store === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['bus'],
        message: 'needs --store postgres://…: nodes share documents through the store; the bus only carries them between nodes',
      });
    }
    // Token checks without a key to verify tokens with would silently authenticate nobody.
    if (config.jwtSecret === undefined && config.jwtPublicKey === undefined) {
      for (const key of ['jwtIssuer', 'jwtAudience'] as const) {
        if (config[key] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'needs --jwt-secret or --jwt-public-key: without a key no token is checked',
          });
        }
      }
    }
  });

export type QuireConfig = z.infer<typeof configSchema>;
export type OptionKey = keyof QuireConfig;
