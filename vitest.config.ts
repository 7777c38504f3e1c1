import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests start real servers and child processes; two cores are shared.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/browser/**', 'test/packaging/**', 'test/docs/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // Runs before the browser group, never beside it: Chromium would starve timing-sensitive tests.
          sequence: { groupOrder: 0 },
        },
      },
      // Real Chromium against a real server (test/browser/vitest.config.ts), after the unit group.
      'test/browser/vitest.config.ts',
      {
        extends: true,
        test: {
          name: 'packaging',
          // npm pack (a full build), an install and TypeDoc: seconds of CPU each, so they run last
          // and one at a time instead of starving the timing-sensitive unit tests beside them.
          include: ['test/packaging/**/*.test.ts', 'test/docs/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 300_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
