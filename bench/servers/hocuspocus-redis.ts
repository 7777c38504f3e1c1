/**
 * Hocuspocus 3.x scaled the way its documentation says: the official Redis extension (every
 * instance subscribes to the documents its clients open and relays their messages through Redis),
 * and the Database extension on a store every instance shares, PostgreSQL here (one row per
 * document holding its whole state, written debounced; the Redis extension's lock lets one
 * instance store at a time). Started by bench/cluster-throughput.ts with
 * QUIRE_BENCH_REDIS=redis://host:port and QUIRE_BENCH_POSTGRES=postgres://…
 */
import type { AddressInfo } from 'node:net';
import { Database } from '@hocuspocus/extension-database';
import { Redis } from '@hocuspocus/extension-redis';
import { Server } from '@hocuspocus/server';
import pg from 'pg';
import { hostServer } from './host.js';

hostServer(async () => {
  const redisUrl = new URL(process.env.QUIRE_BENCH_REDIS ?? 'redis://127.0.0.1:6379');
  const pool = new pg.Pool({ connectionString: process.env.QUIRE_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test', max: 4 });
  await pool.query('CREATE TABLE IF NOT EXISTS hocuspocus_documents (name text PRIMARY KEY, state bytea NOT NULL)');
  const server = new Server({
    quiet: true,
    stopOnSignals: false,
    extensions: [
      new Redis({ host: redisUrl.hostname, port: Number(redisUrl.port), prefix: 'hocuspocus-bench' }),
      new Database({
        fetch: async ({ documentName }) => {
          const result = await pool.query<{ state: Buffer }>('SELECT state FROM hocuspocus_documents WHERE name = $1', [documentName]);
          return result.rows[0]?.state ?? null;
        },
        store: async ({ documentName, state }) => {
          await pool.query(
            'INSERT INTO hocuspocus_documents (name, state) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET state = EXCLUDED.state',
            [documentName, state],
          );
        },
      }),
    ],
  });
  await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.httpServer.address() as AddressInfo).port,
    counts: () => ({ docs: server.hocuspocus.getDocumentsCount(), connections: server.hocuspocus.getConnectionsCount() }),
    close: async () => {
      await server.destroy();
      await pool.end();
    },
  };
});
