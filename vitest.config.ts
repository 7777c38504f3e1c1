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
          exclude: [...configDefaults.exclude, 'test/browser/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // Runs before the browser group, never beside it: Chromium would starve timing-sensitive tests.
          sequence: { groupOrder: 0 },
        },
      },
      // Real Chromium against a real server (test/browser/vitest.config.ts), after the unit group.
      'test/browser/vitest.config.ts',
    ],
  },
});
