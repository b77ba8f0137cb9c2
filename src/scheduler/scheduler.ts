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

interface Entry {
  job: ScheduledJob;
  timer?: schedule.Job;
  running?: Promise<void>;
  /** The run that follows the one under way, shared by everyone who asked meanwhile. */
  next?: Promise<void>;
}

export class Scheduler {
  private readonly jobs = new Map<string, Entry>();

  constructor(private readonly log: Logger) {}

  add(job: ScheduledJob): void {
    this.jobs.set(job.name, { job });
  }

  start(): void {
    for (const entry of this.jobs.values()) {
      entry.timer = schedule.scheduleJob({ rule: entry.job.cron, tz: entry.job.tz }, () => void this.runNow(entry.job.name));
    }
  }

  /**
   * Runs a job now and waits for it. Runs never overlap: asked while one is under way, it runs once
   * more after it, since that run may have read the time or the data before what the caller wants
   * seen (the sandbox's clock jump, at start-up the first sweep); every caller meanwhile shares that
   * one run.
   */
  async runNow(name: string): Promise<void> {
    const entry = this.jobs.get(name);
    if (!entry) throw new Error(`no scheduled job ${name}`);
    if (entry.next) return entry.next;
    if (!entry.running) return this.run(entry);
    entry.next = entry.running.then(() => {
      entry.next = undefined;
      return this.run(entry);
    });
    return entry.next;
  }

  private run(entry: Entry): Promise<void> {
    const running = entry.job
      .run()
      .then(() => undefined)
      .catch((error: unknown) => this.log.error({ err: error, job: entry.job.name }, 'scheduled job failed'))
      .finally(() => {
        if (entry.running === running) entry.running = undefined;
      });
    entry.running = running;
    return running;
  }

  get timerCount(): number {
    return [...this.jobs.values()].filter((entry) => entry.timer).length;
  }

  async stop(): Promise<void> {
    for (const entry of this.jobs.values()) entry.timer?.cancel();
    await Promise.all([...this.jobs.values()].map((entry) => entry.next ?? entry.running));
  }
}
