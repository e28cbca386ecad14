import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Timing assertions run alone (npm run test:alone, vitest.alone.config.ts), never beside other files.
    exclude: ['**/node_modules/**', 'test/**/*.alone.test.ts'],
    testTimeout: 20_000,
    // beforeAll hooks start apps and worker threads: slow on a busy 2-core machine.
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
