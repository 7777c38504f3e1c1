import { defineConfig } from 'vitest/config';

/** `npm run test:memory`: the minute-long memory test, apart from `npm test`. */
export default defineConfig({
  test: {
    include: ['test/memory/**/*.memtest.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
