import { defineConfig } from 'vitest/config';

/**
 * Browser tests in headless Chromium (`npm run test:e2e`): each file starts the bot as a child
 * process on its own embedded PostgreSQL and drives the sandbox page. Not part of `npm test`.
 */
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/setup/build.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
