import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const examples = fileURLToPath(new URL('../../examples', import.meta.url));

// Without a declared icon the browser asks for /favicon.ico, which the servers answer with 404.
it('gives every example page an icon of its own, so no /favicon.ico is requested', () => {
  const pages = readdirSync(examples, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(examples, entry.name, 'index.html'))
    .filter((path) => {
      try {
        readFileSync(path);
        return true;
      } catch {
        return false;
      }
    });
  expect(pages.length).toBeGreaterThanOrEqual(2);
  for (const page of pages) expect(readFileSync(page, 'utf8'), page).toMatch(/<link rel="icon" href="data:image\/svg\+xml,/);
});
