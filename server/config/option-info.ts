/**
 * How each option of the schema (schema.ts) is spelled as a flag and an environment variable,
 * what it accepts and what it does: the source of `--help` and of every configuration error.
 */
import { LOG_FORMATS, LOG_LEVELS } from '../observability/log-levels.js';
import { JWT_SECRET_MIN_LENGTH, type OptionKey, TOKEN_MIN_LENGTH, configSchema } from './schema.js';

const RATE_ALLOWED = '<per second>/<burst>, e.g. 100/300 (in a config file also {"perSecond": 100, "burst": 300})';

export interface OptionInfo {
  /** Without the leading dashes. */
  flag: string;
  env: string;
  /** Placeholder in --help; absent for on/off switches. */
  arg?: string;
  description: string;
  /** What a valid value looks like (said in --help and in every error). */
  allowed: string;
  /** Shown in --help when the schema has no default value to print. */
  defaultText?: string;
  /** Secrets are never echoed back in error messages. */
  secret?: true;
}

export const optionInfo: Record<OptionKey, OptionInfo> = {
  port: {
    flag: 'port',
    env: 'PORT',
    arg: '<n>',
    description: 'TCP port to listen on (0 picks a free port)',
    allowed: 'an integer from 0 to 65535',
  },
  host: {
    flag: 'host',
    env: 'HOST',
    arg: '<addr>',
    description: 'Interface to bind (0.0.0.0 for all)',
    allowed: 'a host name or IP address',
  },
  dataDir: {
    flag: 'data',
    env: 'DATA_DIR',
    arg: '<dir>',
    description: 'LevelDB data directory (created if missing)',
    allowed: 'a directory path',
  },
  store: {
    flag: 'store',
    env: 'QUIRE_STORE',
    arg: '<url>',
    description: 'Store documents in PostgreSQL, shared by several nodes (docs/SCALING.md); ?schema=<name> picks the schema',
    allowed: 'a postgres:// or postgresql:// URL',
    defaultText: 'LevelDB in --data',
    secret: true,
  },
  bus: {
    flag: 'bus',
    env: 'QUIRE_BUS',
    arg: '<url>',
    description: 'Carry updates and presence between nodes over Redis pub/sub (needs --store); ?prefix=<p> names the channels',
    allowed: 'a redis:// or rediss:// URL',
    defaultText: 'none (nodes converge through the store alone, within about 2 s)',
    secret: true,
  },
  nodeId: {
    flag: 'node-id',
    env: 'QUIRE_NODE_ID',
    arg: '<id>',
    description: "This node's name in a cluster (logs, bus messages)",
    allowed: 'letters, digits, ".", "_", ":" or "-", at most 64',
    defaultText: '<hostname>-<pid>',
  },
  staticDir: {
    flag: 'static',
    env: 'QUIRE_STATIC_DIR',
    arg: '<dir>',
    description: 'Directory served at / (a built front-end)',
    allowed: 'an existing directory',
    defaultText: 'the built example editor (dist/examples/rich-text)',
  },
  path: { flag: 'path', env: 'QUIRE_PATH', arg: '<path>', description: 'Socket.io endpoint path', allowed: 'a URL path starting with /' },
  corsOrigins: {
    flag: 'cors-origin',
    env: 'QUIRE_CORS_ORIGINS',
    arg: '<origins>',
    description: 'Origins allowed to connect from other sites, comma-separated',
    allowed: '"*" or origins like https://app.example.com, comma-separated',
    defaultText: 'same origin only',
  },
  fsync: {
    flag: 'fsync',
    env: 'QUIRE_FSYNC',
    description: 'fsync every write batch (survives power loss; slower), --no-fsync to turn off',
    allowed: 'true or false',
  },
  compactAfterBytes: {
    flag: 'compact-after-bytes',
    env: 'QUIRE_COMPACT_AFTER_BYTES',
    arg: '<bytes>',
    description: 'Compact a document once its update log holds this many bytes (0: never by size)',
    allowed: 'an integer of at least 0',
  },
  compactAfterUpdates: {
    flag: 'compact-after-updates',
    env: 'QUIRE_COMPACT_AFTER_UPDATES',
    arg: '<n>',
    description: 'Compact a document once its update log holds this many updates (0: never by count)',
    allowed: 'an integer of at least 0',
  },
  requestTimeoutMs: {
    flag: 'request-timeout-ms',
    env: 'QUIRE_REQUEST_TIMEOUT_MS',
    arg: '<ms>',
    description: 'Answer 408 and close an HTTP request whose headers and body take longer (0: no limit)',
    allowed: 'an integer from 0 to 3600000',
  },
  unloadGraceMs: {
    flag: 'unload-grace-ms',
    env: 'QUIRE_UNLOAD_GRACE_MS',
    arg: '<ms>',
    description: 'How long an unused document stays loaded',
    allowed: 'an integer from 0 to 86400000',
  },
  maxMessageBytes: {
    flag: 'max-message-bytes',
    env: 'QUIRE_MAX_MESSAGE_BYTES',
    arg: '<bytes>',
    description: 'Largest Socket.io message accepted',
    allowed: 'an integer from 1024 to 1073741824',
  },
  maxUpdateBytes: {
    flag: 'max-update-bytes',
    env: 'QUIRE_MAX_UPDATE_BYTES',
    arg: '<bytes>',
    description: 'Largest update accepted in one message (also for the admin API); larger ones travel in parts',
    allowed: 'an integer from 1024 to 1073741824, at most --max-message-bytes',
  },
  maxAssembledUpdateBytes: {
    flag: 'max-assembled-update-bytes',
    env: 'QUIRE_MAX_ASSEMBLED_UPDATE_BYTES',
    arg: '<bytes>',
    description: 'Largest update accepted in parts (and held half-assembled per connection)',
    allowed: 'an integer from 1024 to 4294967296',
  },
  maxAwarenessBytes: {
    flag: 'max-awareness-bytes',
    env: 'QUIRE_MAX_AWARENESS_BYTES',
    arg: '<bytes>',
    description: 'Largest awareness (presence) message accepted',
    allowed: 'an integer from 256 to 16777216',
  },
  maxDocumentsPerConnection: {
    flag: 'max-documents-per-connection',
    env: 'QUIRE_MAX_DOCUMENTS_PER_CONNECTION',
    arg: '<n>',
    description: 'Documents one client connection may have open at once',
    allowed: 'an integer from 1 to 1000000',
  },
  maxConnections: {
    flag: 'max-connections',
    env: 'QUIRE_MAX_CONNECTIONS',
    arg: '<n>',
    description: 'Client connections the server holds at once (more are refused at the handshake)',
    allowed: 'an integer from 1 to 10000000',
  },
  maxConnectionsPerAddress: {
    flag: 'max-connections-per-address',
    env: 'QUIRE_MAX_CONNECTIONS_PER_ADDRESS',
    arg: '<n>',
    description: 'Client connections from one IP address at once',
    allowed: 'an integer from 1 to 10000000',
  },
  trustProxy: {
    flag: 'trust-proxy',
    env: 'QUIRE_TRUST_PROXY',
    description: "Take the client's address from the last X-Forwarded-For entry (behind a reverse proxy)",
    allowed: 'true or false',
  },
  maxLoadedDocuments: {
    flag: 'max-loaded-documents',
    env: 'QUIRE_MAX_LOADED_DOCUMENTS',
    arg: '<n>',
    description: 'Documents loaded in memory at once (idle ones unload early, then loads get SERVER_BUSY)',
    allowed: 'an integer from 1 to 10000000',
  },
  maxLoadedDocumentBytes: {
    flag: 'max-loaded-document-bytes',
    env: 'QUIRE_MAX_LOADED_DOCUMENT_BYTES',
    arg: '<bytes>',
    description: 'Encoded bytes of the loaded documents (about a tenth of their memory); same behaviour',
    allowed: 'an integer of at least 1048576',
  },
  maxOutgoingBytes: {
    flag: 'max-outgoing-bytes',
    env: 'QUIRE_MAX_OUTGOING_BYTES',
    arg: '<bytes>',
    description: 'Bytes waiting to be written to one client; beyond it the client is closed with SLOW_CONSUMER',
    allowed: 'an integer from 65536 to 1073741824',
  },
  jwtSecret: {
    flag: 'jwt-secret',
    env: 'QUIRE_JWT_SECRET',
    arg: '<secret>',
    description: 'Require an HS256 JWT signed with this shared secret (claims: docs/SECURITY.md)',
    allowed: `a string of at least ${JWT_SECRET_MIN_LENGTH} characters`,
    defaultText: 'none (no authentication)',
    secret: true,
  },
  jwtPublicKey: {
    flag: 'jwt-public-key',
    env: 'QUIRE_JWT_PUBLIC_KEY',
    arg: '<file>',
    description: 'Require an RS256 or ES256 JWT verified with the PEM public key in this file',
    allowed: 'a PEM file with an RSA or P-256 public key',
    defaultText: 'none (no authentication)',
  },
  jwtIssuer: {
    flag: 'jwt-issuer',
    env: 'QUIRE_JWT_ISSUER',
    arg: '<iss>',
    description: 'Accept only tokens whose "iss" claim equals this (with --jwt-secret or --jwt-public-key)',
    allowed: 'a non-empty string',
    defaultText: 'none (any issuer)',
  },
  jwtAudience: {
    flag: 'jwt-audience',
    env: 'QUIRE_JWT_AUDIENCE',
    arg: '<aud>',
    description: 'Accept only tokens whose "aud" claim is or contains this',
    allowed: 'a non-empty string',
    defaultText: 'none (any audience)',
  },
  jwtClaim: {
    flag: 'jwt-claim',
    env: 'QUIRE_JWT_CLAIM',
    arg: '<name>',
    description: 'The token claim that lists the documents a client may open',
    allowed: 'a claim name',
  },
  jwtClockToleranceSeconds: {
    flag: 'jwt-clock-tolerance-seconds',
    env: 'QUIRE_JWT_CLOCK_TOLERANCE_SECONDS',
    arg: '<s>',
    description: 'Clock skew accepted on the "exp" and "nbf" claims',
    allowed: 'an integer from 0 to 3600',
  },
  automaticVersions: {
    flag: 'automatic-versions',
    env: 'QUIRE_AUTOMATIC_VERSIONS',
    description: 'Take automatic versions of changed documents (docs/VERSIONS.md), --no-automatic-versions to turn off',
    allowed: 'true or false',
  },
  versionIntervalMs: {
    flag: 'version-interval-ms',
    env: 'QUIRE_VERSION_INTERVAL_MS',
    arg: '<ms>',
    description: 'An automatic version once a document changed and this long has passed',
    allowed: 'an integer from 1000 to 604800000',
  },
  versionIdleMs: {
    flag: 'version-idle-ms',
    env: 'QUIRE_VERSION_IDLE_MS',
    arg: '<ms>',
    description: 'An automatic version after a changed document has been idle this long',
    allowed: 'an integer from 1000 to 604800000',
  },
  jwtRequireExp: {
    flag: 'jwt-require-exp',
    env: 'QUIRE_JWT_REQUIRE_EXP',
    description: 'Refuse tokens without an "exp" claim (they would never expire), --no-jwt-require-exp to accept them',
    allowed: 'true or false',
  },
  recheckAccessIntervalMs: {
    flag: 'recheck-access-interval-ms',
    env: 'QUIRE_RECHECK_ACCESS_INTERVAL_MS',
    arg: '<ms>',
    description:
      "Re-check every open session's access this often, ending revoked ones (0: only at connect, at exp and on POST /admin/access/*)",
    allowed: 'an integer from 0 to 86400000',
  },
  rateUpdates: {
    flag: 'rate-updates',
    env: 'QUIRE_RATE_UPDATES',
    arg: '<rate>',
    description: 'Update messages per client connection (RATE_LIMITED beyond)',
    allowed: RATE_ALLOWED,
  },
  rateUpdateBytes: {
    flag: 'rate-update-bytes',
    env: 'QUIRE_RATE_UPDATE_BYTES',
    arg: '<rate>',
    description: 'Update bytes per client connection',
    allowed: RATE_ALLOWED,
  },
  rateAwareness: {
    flag: 'rate-awareness',
    env: 'QUIRE_RATE_AWARENESS',
    arg: '<rate>',
    description: 'Awareness (presence) messages per client connection',
    allowed: RATE_ALLOWED,
  },
  rateJoins: {
    flag: 'rate-joins',
    env: 'QUIRE_RATE_JOINS',
    arg: '<rate>',
    description: 'Documents opened per client connection',
    allowed: RATE_ALLOWED,
  },
  rateSyncs: {
    flag: 'rate-syncs',
    env: 'QUIRE_RATE_SYNCS',
    arg: '<rate>',
    description: 'Sync requests per client connection',
    allowed: RATE_ALLOWED,
  },
  rateViolations: {
    flag: 'rate-violations',
    env: 'QUIRE_RATE_VIOLATIONS',
    arg: '<rate>',
    description: 'Refused messages tolerated per client connection before it is closed (POLICY_VIOLATION)',
    allowed: RATE_ALLOWED,
  },
  logLevel: {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    arg: '<level>',
    description: 'Least severe log level written',
    allowed: LOG_LEVELS.join(', '),
  },
  logFormat: {
    flag: 'log-format',
    env: 'LOG_FORMAT',
    arg: '<format>',
    description: 'Log format; auto is pretty on a terminal, JSON otherwise',
    allowed: LOG_FORMATS.join(', '),
  },
  metrics: {
    flag: 'metrics',
    env: 'QUIRE_METRICS',
    description: 'Serve Prometheus metrics at GET /metrics, --no-metrics to turn off',
    allowed: 'true or false',
  },
  metricsToken: {
    flag: 'metrics-token',
    env: 'QUIRE_METRICS_TOKEN',
    arg: '<token>',
    description: 'Require "Authorization: Bearer <token>" on /metrics',
    allowed: `a string of at least ${TOKEN_MIN_LENGTH} characters`,
    defaultText: 'none (metrics are public)',
    secret: true,
  },
  adminToken: {
    flag: 'admin-token',
    env: 'QUIRE_ADMIN_TOKEN',
    arg: '<token>',
    description: 'Enable the admin API under /admin with this Bearer token',
    allowed: `a string of at least ${TOKEN_MIN_LENGTH} characters`,
    defaultText: 'none (admin API off)',
    secret: true,
  },
  shutdownDelayMs: {
    flag: 'shutdown-delay-ms',
    env: 'QUIRE_SHUTDOWN_DELAY_MS',
    arg: '<ms>',
    description: 'On SIGTERM, report not-ready this long before closing (lets load balancers notice)',
    allowed: 'an integer from 0 to 600000',
  },
  shutdownTimeoutMs: {
    flag: 'shutdown-timeout-ms',
    env: 'QUIRE_SHUTDOWN_TIMEOUT_MS',
    arg: '<ms>',
    description: 'Give up on a clean shutdown after this long (exit 1)',
    allowed: 'an integer from 100 to 600000',
  },
};

/** The default of an option as --help shows it. */
export function defaultText(key: OptionKey): string {
  const info = optionInfo[key];
  if (info.defaultText !== undefined) return info.defaultText;
  const parsed = configSchema.safeParse({});
  const value: unknown = parsed.success ? parsed.data[key] : undefined;
  if (value === undefined) return 'none';
  if (typeof value === 'object' && value !== null && 'perSecond' in value && 'burst' in value) return `${value.perSecond}/${value.burst}`;
  return String(value);
}
