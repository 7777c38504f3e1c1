import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real-browser tests have their own config and command (npm run test:browser).
    exclude: [...configDefaults.exclude, 'test/browser/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start real servers and child processes; two cores are shared.
    maxWorkers: 2,
  },
});
