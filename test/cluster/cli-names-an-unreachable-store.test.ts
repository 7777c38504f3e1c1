import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/ops/cli-process.js';

describe('a node whose PostgreSQL store cannot be opened', () => {
  it('exits with status 1 and names the store, without its password', async () => {
    const result = await runCli(['--port', '0', '--store', 'postgres://quire:hunter2@127.0.0.1:1/quire']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the PostgreSQL store (--store postgres://quire:***@127.0.0.1:1/quire) could not be opened');
    expect(result.stdout + result.stderr).not.toContain('hunter2');
  });

  it('exits with status 1 naming a schema that is not a plain identifier', async () => {
    const result = await runCli(['--port', '0', '--store', 'postgres://127.0.0.1:1/quire?schema=a-b;drop']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not a plain PostgreSQL identifier');
  });

  it('refuses --bus without --store with status 2', async () => {
    const result = await runCli(['--port', '0', '--bus', 'redis://127.0.0.1:6379']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('needs --store postgres://');
  });
});
