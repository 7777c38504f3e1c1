import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('the headless example', () => {
  it('syncs two Node clients through a server and prints the final text', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/headless/sync-two-clients.ts'], {
      timeout: 30_000,
    });
    expect(stdout).toContain('final: Hello from Alice. And Bob answers.');
  });
});
