import schedule from 'node-schedule';
import type { Logger } from 'pino';

/**
 * The one module that touches node-schedule. Schedules are data; each run claims its work in the
 * database, so several replicas never double it and a timer never holds the only copy of anything.
 * The number of timers is the number of schedules, not of items.
 */
export interface ScheduledJob {
  name: string;
  /** node-schedule cron (six fields allows seconds). */
  cron: string;
  tz?: string;
  run(): Promise<unknown>;
}

export class Scheduler {
  private readonly jobs = new Map<string, { job: ScheduledJob; timer?: schedule.Job; running?: Promise<unknown> }>();

  constructor(private readonly log: Logger) {}

  add(job: ScheduledJob): void {
    this.jobs.set(job.name, { job });
  }

  start(): void {
    for (const entry of this.jobs.values()) {
      entry.timer = schedule.scheduleJob({ rule: entry.job.cron, tz: entry.job.tz }, () => void this.runNow(entry.job.name));
    }
  }

  /** Runs a job now unless it is already running (then waits for that run). */
  async runNow(name: string): Promise<void> {
    const entry = this.jobs.get(name);
    if (!entry) throw new Error(`no scheduled job ${name}`);
    if (!entry.running) {
      entry.running = entry.job
        .run()
        .catch((error: unknown) => this.log.error({ err: error, job: name }, 'scheduled job failed'))
        .finally(() => {
          entry.running = undefined;
        });
    }
    await entry.running;
  }

  get timerCount(): number {
    return [...this.jobs.values()].filter((entry) => entry.timer).length;
  }

  async stop(): Promise<void> {
    for (const entry of this.jobs.values()) entry.timer?.cancel();
    await Promise.all([...this.jobs.values()].map((entry) => entry.running));
  }
}
