import { mb, round, type BenchContext } from '../lib/context.js';
import { startFakeLark } from '../lib/fake-lark.js';
import { percentiles, sleep } from '../lib/load.js';
import { CLICK_DATABASE } from './2-clicks.js';

/**
 * 7. Start-up on an existing database (the click run's: migrations already applied, the
 * organisation file synced again, tens of thousands of audit rows): three starts, each timed
 * inside the process (startApp → listening) and from fork (module loading included).
 * The RSS idle and under load are recorded by the click run.
 */
export async function measureStartup(ctx: BenchContext): Promise<void> {
  const section = '7 memory, start-up';
  const lark = await startFakeLark();
  try {
    const starts: { startMs: number; spawnMs: number; rss: number }[] = [];
    for (let i = 0; i < 3; i += 1) {
      const app = await ctx.startApp(CLICK_DATABASE, lark.url, `startup-${i}`);
      await sleep(1500);
      const stats = await app.stats();
      starts.push({ startMs: app.startMs, spawnMs: app.spawnToReadyMs, rss: stats.rss });
      await app.stop();
    }
    const inside = percentiles(starts.map((s) => s.startMs));
    const spawned = percentiles(starts.map((s) => s.spawnMs));
    ctx.details.startup = starts;
    ctx.record({ section, name: 'start on an existing database (startApp, median of 3)', value: round(inside.p50), unit: 'ms', target: '< 2000 ms', pass: inside.p50 < 2000, note: 'migrations checked, organisation file synced, HTTP listening' });
    ctx.record({ section, name: 'start from fork, module loading included (median of 3)', value: round(spawned.p50), unit: 'ms', target: '< 2000 ms', pass: spawned.p50 < 2000, note: 'node on the compiled build (npm run build), as npm start runs it' });
    ctx.record({ section, name: 'RSS idle after a restart', value: mb(percentiles(starts.map((s) => s.rss)).p50), unit: 'MB', target: '< 150 MB', pass: mb(percentiles(starts.map((s) => s.rss)).p50) < 150 });
  } finally {
    await lark.close();
    await ctx.server.dropDatabase(CLICK_DATABASE);
  }
}
