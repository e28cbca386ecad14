import { defineConfig } from 'vitest/config';

/**
 * Tests that assert how fast something answers (test/**\/*.alone.test.ts):
 * one file at a time, one test at a time, so no other test file competes for
 * the CPU while they measure. The normal suite (vitest.config.ts) leaves them out.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.alone.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
