/**
 * The reminder sweeper alone, in its own process so its time and memory are not mixed with the
 * app's other jobs: exactly what the app's `reminders` job runs (sweepReminders, system clock,
 * the organisation file's policy, default batch of 500), driven over IPC so the bench can make
 * rows due between runs.
 */
import pino from 'pino';
import { systemClock } from '../../src/clock.js';
import { connectDatabase } from '../../src/db/client.js';
import { sweepReminders } from '../../src/scheduler/reminder-sweep.js';
import { loadOrgFile } from '../../src/org/load.js';
import type { ChildStats } from '../lib/children.js';

const { databaseUrl, tz, batchSize, orgFile } = JSON.parse(process.env.BENCH_CHILD_OPTIONS ?? '{}') as { databaseUrl: string; tz: string; batchSize: number; orgFile: string };
const { policy } = (await loadOrgFile(orgFile)).org;
const send = (message: unknown) => process.send?.(message);
const database = connectDatabase(databaseUrl);
const log = pino({ level: 'silent' });

function stats(): ChildStats {
  const memory = process.memoryUsage();
  return { cpu: process.cpuUsage(), rss: memory.rss, heapUsed: memory.heapUsed, timers: 0, activeTimeouts: 0 };
}

async function sweepOnce() {
  const started = performance.now();
  const result = await sweepReminders({ db: database.db, clock: systemClock, log, tz, policy, batchSize });
  return { ms: performance.now() - started, ...result };
}

process.on('message', (message: { type: string; id: number; count?: number }) => {
  const run = async () => {
    if (message.type === 'stats') return { stats: stats() };
    if (message.type === 'sweeps') {
      // Consecutive sweeps, as the timer would run them (each one transaction).
      const runs = [];
      for (let i = 0; i < (message.count ?? 1); i += 1) runs.push(await sweepOnce());
      return { runs, stats: stats() };
    }
    if (message.type === 'drain') {
      // Sweeps until nothing is due: each sweep claims one batch.
      const runs = [];
      for (;;) {
        const run = await sweepOnce();
        runs.push(run);
        if (run.sent === 0) break;
      }
      return { runs, stats: stats() };
    }
    if (message.type === 'stop') {
      await database.close();
      process.exit(0);
    }
    throw new Error(`unknown command ${message.type}`);
  };
  run().then(
    (answer) => send({ type: 'done', id: message.id, ...answer }),
    (error: unknown) => send({ type: 'error', id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
send({ type: 'ready', port: 0, startMs: 0, sinceProcessStartMs: performance.now(), stats: stats() });
process.on('disconnect', () => process.exit(0));
