/**
 * The app in a process of its own, on a given database, with its clock standing at a given time:
 * `node --import tsx test/processes/app-at-time.ts` with DATABASE_URL, ORG_FILE, DATA_DIR and
 * AT (ISO time) in the environment. It runs the background jobs once, as a start does, prints one
 * JSON line `{"jobs":"done"}` and then stays up until killed. No Lark credentials: messages stay
 * in the outbox, which is what the tests count.
 */
import { startApp } from '../../src/app.js';
import { manualClock } from '../../src/clock.js';
import pino from 'pino';
import { createLogger } from '../../src/logger.js';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const app = await startApp(
  {
    mode: 'webhook',
    port: 0,
    host: '127.0.0.1',
    logLevel: 'warn',
    dataDir: required('DATA_DIR'),
    databaseUrl: required('DATABASE_URL'),
    orgFile: required('ORG_FILE'),
  },
  { clock: manualClock(new Date(required('AT'))), log: createLogger('warn', pino.destination(2)), jobs: 'manual' },
);
process.stdout.write(`${JSON.stringify({ port: app.port })}\n`);
await app.runJobs();
process.stdout.write(`${JSON.stringify({ jobs: 'done' })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
