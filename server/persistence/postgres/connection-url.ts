/**
 * `--store postgres://user:password@host:port/database?schema=quire`: everything but `schema` goes
 * to the pg driver as is; `schema` (default "quire") names the PostgreSQL schema holding quire's
 * tables, so several deployments or test runs can share a database.
 */
import { SCHEMA_NAME_PATTERN } from './schema.js';

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

export function parsePostgresUrl(value: string): { connectionString: string; schema: string } {
  if (!isPostgresUrl(value)) throw new Error('the store URL must start with postgres:// or postgresql://');
  const url = new URL(value);
  const schema = url.searchParams.get('schema') ?? 'quire';
  if (!SCHEMA_NAME_PATTERN.test(schema)) throw new Error(`schema=${schema} is not a plain PostgreSQL identifier (letters, digits, _)`);
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema };
}
