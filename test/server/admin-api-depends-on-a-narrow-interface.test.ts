import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const serverDir = fileURLToPath(new URL('../../server/', import.meta.url));

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)])),
  );
  return nested.flat().filter((file) => file.endsWith('.ts'));
}

describe('the HTTP layer (server/http)', () => {
  it('imports neither create-server.ts nor the document registry: the admin API works through AdminBackend', async () => {
    const offenders: string[] = [];
    for (const file of await filesUnder(join(serverDir, 'http'))) {
      const source = await readFile(file, 'utf8');
      for (const match of source.matchAll(/from\s+'([^']+)'/g)) {
        if (/create-server\.js$|core\/registry\.js$/.test(match[1]!)) offenders.push(`${relative(serverDir, file)} imports ${match[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
