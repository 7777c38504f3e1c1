import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('the single-node service (LevelDB)', () => {
  it('never loads the PostgreSQL or Redis client', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/helpers/processes/single-node-modules.ts']);
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ pg: false, ioredis: false });
  });
});
