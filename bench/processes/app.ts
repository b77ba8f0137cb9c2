/**
 * The bot itself, in its own process so its CPU, memory and timers are its own: startApp in
 * webhook mode on the given database, its Lark domain pointed at a local fake or the stand-in.
 * Talks to the bench over IPC: `ready` once listening, `stats` on request, exits on `stop`.
 */
import fs from 'node:fs';
import schedule from 'node-schedule';
import pino from 'pino';
import { startApp } from '../../src/app.js';
import { systemClock } from '../../src/clock.js';
import type { AppConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { BENCH_SECRETS } from '../lib/lark-events.js';
import type { ChildStats } from '../lib/children.js';

interface AppChildOptions {
  databaseUrl: string;
  larkDomain: string;
  orgFile: string;
  dataDir: string;
  logFile: string;
  logLevel: string;
}

const options = JSON.parse(process.env.BENCH_CHILD_OPTIONS ?? '{}') as AppChildOptions;
const send = (message: unknown) => process.send?.(message);

const config: AppConfig = {
  mode: 'webhook',
  port: 0,
  host: '127.0.0.1',
  logLevel: options.logLevel,
  dataDir: options.dataDir,
  databaseUrl: options.databaseUrl,
  orgFile: options.orgFile,
  lark: { ...BENCH_SECRETS, domain: options.larkDomain, webhookMaxAgeSeconds: 3600 },
};
// Logged like production (pino, synchronous writes), to a file instead of stdout.
const log = createLogger(options.logLevel, pino.destination({ dest: options.logFile, sync: true, mkdir: true }));

function stats(): ChildStats {
  const memory = process.memoryUsage();
  return {
    cpu: process.cpuUsage(),
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    timers: Object.keys(schedule.scheduledJobs).length,
    activeTimeouts: process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length,
  };
}

const started = performance.now();
try {
  const app = await startApp(config, { clock: systemClock, log });
  const startMs = performance.now() - started;
  send({ type: 'ready', port: app.port, startMs, sinceProcessStartMs: performance.now(), stats: stats() });
  process.on('message', (message: { type: string; id?: number }) => {
    if (message.type === 'stats') send({ type: 'stats', id: message.id, stats: stats() });
    if (message.type === 'stop') {
      void app
        .close()
        .catch((error: unknown) => log.error({ err: error }, 'close failed'))
        .finally(() => process.exit(0));
    }
  });
} catch (error) {
  fs.appendFileSync(options.logFile, `start failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  send({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
// The bench went away (crashed or killed): do not outlive it.
process.on('disconnect', () => process.exit(0));
