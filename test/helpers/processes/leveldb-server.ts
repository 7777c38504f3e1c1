/**
 * A quire server on LevelDB, for tests that kill and restart it:
 *   node --import tsx test/helpers/processes/leveldb-server.ts <dataDir> [port]
 * Prints `{"url","port"}` on one line once listening; SIGTERM closes it gracefully.
 */
import { createServer, jwtAuth } from '../../../server/index.js';
import { LevelDbStore } from '../../../server/persistence/leveldb-store.js';

const [dataDir, portArg] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: leveldb-server.ts <dataDir> [port]');
const numberFromEnv = (name: string) => (process.env[name] === undefined ? undefined : Number(process.env[name]));

const store = await LevelDbStore.open({
  path: dataDir,
  compactAfterUpdates: numberFromEnv('QUIRE_COMPACT_AFTER_UPDATES'),
  compactAfterBytes: numberFromEnv('QUIRE_COMPACT_AFTER_BYTES'),
});
// Durability tests type far faster than people do; they raise the per-connection update rate.
const updatesPerSecond = numberFromEnv('QUIRE_UPDATES_PER_SECOND');
// Tests of oversized edits lower the per-update cap, so "too large" takes megabytes, not tens of them.
const maxAssembledUpdateBytes = numberFromEnv('QUIRE_MAX_ASSEMBLED_UPDATE_BYTES');
const server = createServer({
  store,
  unloadGraceMs: numberFromEnv('QUIRE_UNLOAD_GRACE_MS') ?? 60_000,
  // Browser tests load their page from another origin.
  ...(process.env.QUIRE_ANY_ORIGIN === '1' ? { corsOrigins: true } : {}),
  // Browser tests of the editor's sign-in guidance run the server with a JWT secret.
  ...(process.env.QUIRE_JWT_SECRET === undefined ? {} : jwtAuth({ secret: process.env.QUIRE_JWT_SECRET })),
  // The browser suite serves the built editor, as `npm start` does.
  ...(process.env.QUIRE_STATIC_DIR === undefined ? {} : { staticDir: process.env.QUIRE_STATIC_DIR }),
  ...(maxAssembledUpdateBytes === undefined ? {} : { maxAssembledUpdateBytes }),
  ...(updatesPerSecond === undefined ? {} : { rateLimits: { updates: { perSecond: updatesPerSecond, burst: updatesPerSecond } } }),
});
const { url, port } = await server.listen(Number(portArg ?? 0), '127.0.0.1');
process.stdout.write(`${JSON.stringify({ url, port })}\n`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
