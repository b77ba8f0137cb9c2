import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: the slow fault tests (issue #8): the bot SIGKILLed under load, Lark
 * failing, the database restarted, 10,000 generated inputs. The quick ones run in `npm test`
 * (test/faults/quick, in vitest.config.ts). One file at a time: each loads the machine on its own.
 */
export default defineConfig({
  test: {
    name: 'faults',
    include: ['test/faults/slow/**/*.test.ts'],
    globalSetup: ['test/setup/build.ts', 'test/setup/postgres.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
