/**
 * A PostgreSQL cluster of the test's own, in a temp directory on a free port, that the test may
 * stop with `-m immediate` (a crash: no checkpoint, recovery from WAL on start). initdb refuses to
 * run as root, so as root the server runs as the `postgres` system user.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { makeTempDir } from '../temp-dir.js';

const run = promisify(execFile);
export const POSTGRES_BIN = process.env.QUIRE_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
export const privatePostgresAvailable = existsSync(join(POSTGRES_BIN, 'initdb'));

const asRoot = userInfo().uid === 0;

async function pg(tool: string, args: string[]): Promise<void> {
  const command = join(POSTGRES_BIN, tool);
  if (asRoot) await run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd: '/tmp' });
  else await run(command, args);
}

export class PrivatePostgres {
  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const { path: dir } = await makeTempDir('pg');
    if (asRoot) await run('chown', ['postgres:postgres', dir]);
    const port = await freePort();
    const instance = new PrivatePostgres(dir, port);
    await pg('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    await instance.startServer();
    return instance;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async startServer(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=60`;
    await pg('pg_ctl', ['-D', join(this.dir, 'data'), '-o', options, '-l', join(this.dir, 'log'), '-w', '-t', '60', 'start']);
  }

  /** A crash as far as the data is concerned: no shutdown checkpoint, WAL replay on the next start. */
  async stopImmediately(): Promise<void> {
    await pg('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await pg('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']).catch(() => {});
    await rm(this.dir, { recursive: true, force: true });
  }
}
