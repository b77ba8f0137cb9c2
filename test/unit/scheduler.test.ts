import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { silentLog } from '../helpers/org.js';

/** A job whose runs wait until released, recording when each starts and what it saw. */
function gatedJob() {
  let world = 'before';
  const runs: { saw: string; release: () => void }[] = [];
  let active = 0;
  let overlapped = false;
  const job = {
    name: 'reminders',
    cron: '0 0 1 1 *',
    run: () =>
      new Promise<void>((resolve) => {
        active += 1;
        if (active > 1) overlapped = true;
        runs.push({
          saw: world,
          release: () => {
            active -= 1;
            resolve();
          },
        });
      }),
  };
  return { job, runs, setWorld: (next: string) => void (world = next), overlapped: () => overlapped };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('Scheduler.runNow', () => {
  it('asked while a run is under way, runs once more after it: that run may have started before the change the caller wants seen', async () => {
    const { job, runs, setWorld, overlapped } = gatedJob();
    const scheduler = new Scheduler(silentLog);
    scheduler.add(job);

    let firstDone = false;
    const first = scheduler.runNow('reminders').then(() => (firstDone = true));
    await settled();
    expect(runs.map((r) => r.saw)).toEqual(['before']);

    // The sandbox's clock jump: the world changes, then the job is asked for.
    setWorld('after');
    let secondDone = false;
    const second = scheduler.runNow('reminders').then(() => (secondDone = true));
    const third = scheduler.runNow('reminders');
    await settled();
    // Not overlapping the run under way, and not satisfied by it.
    expect(runs).toHaveLength(1);

    runs[0]!.release();
    await first;
    await settled();
    expect(firstDone).toBe(true);
    expect(secondDone).toBe(false);
    // One more run for both later callers, which sees the change.
    expect(runs.map((r) => r.saw)).toEqual(['before', 'after']);

    runs[1]!.release();
    await Promise.all([second, third]);
    expect(runs).toHaveLength(2);
    expect(overlapped()).toBe(false);

    // Idle again: the next ask runs at once.
    const fourth = scheduler.runNow('reminders');
    await settled();
    expect(runs).toHaveLength(3);
    runs[2]!.release();
    await fourth;
  });

  it('stop waits for a follow-up run already asked for', async () => {
    const { job, runs } = gatedJob();
    const scheduler = new Scheduler(silentLog);
    scheduler.add(job);
    void scheduler.runNow('reminders');
    void scheduler.runNow('reminders');
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    runs[0]!.release();
    await settled();
    expect(runs).toHaveLength(2);
    expect(stopped).toBe(false);
    runs[1]!.release();
    await stopping;
    expect(stopped).toBe(true);
  });

  it('a failed run is logged, and the next ask runs again', async () => {
    let calls = 0;
    const scheduler = new Scheduler(silentLog);
    scheduler.add({ name: 'reports', cron: '0 0 1 1 *', run: async () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
      },
    });
    await scheduler.runNow('reports');
    await scheduler.runNow('reports');
    expect(calls).toBe(2);
    await expect(scheduler.runNow('nothing')).rejects.toThrow(/no scheduled job nothing/);
  });
});
