/**
 * The shared PostgreSQL and Redis the machine runs, for the tests that need them. Those tests are
 * part of `npm test` only where the services answer (the single-node product needs neither);
 * `.ci/run` starts them and sets QUIRE_REQUIRE_SERVICES=1, so there a missing service fails the
 * run instead of skipping the tests.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

export const POSTGRES_URL = process.env.QUIRE_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.QUIRE_TEST_REDIS ?? 'redis://127.0.0.1:6379';

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

const required = process.env.QUIRE_REQUIRE_SERVICES === '1';

async function check(url: string, what: string): Promise<boolean> {
  const ok = await reachable(url);
  if (!ok && required) throw new Error(`${what} at ${url} is not reachable, and QUIRE_REQUIRE_SERVICES=1`);
  return ok;
}

export const postgresReachable = await check(POSTGRES_URL, 'PostgreSQL');
export const redisReachable = await check(REDIS_URL, 'Redis');

/** A schema name no other test run uses (the database is shared). */
export function uniqueSchema(label: string): string {
  return `quire_${label}_${randomBytes(5).toString('hex')}`;
}

export function postgresUrlFor(schema: string, base = POSTGRES_URL): string {
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  return url.toString();
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string, base = POSTGRES_URL): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
