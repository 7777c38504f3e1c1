/**
 * The browser suite: real Chromium (playwright-core) against a real quire server in a child
 * process. Files run one at a time: each drives a browser and a server, and the machine has
 * two cores. Part of `npm test` (a project of the root config, run after the unit group);
 * alone: `npm run test:browser`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'browser',
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    fileParallelism: false,
    sequence: { groupOrder: 1 },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
