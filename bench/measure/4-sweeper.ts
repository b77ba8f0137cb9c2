import { startChild, type ChildStats } from '../lib/children.js';
import { mb, round, type BenchContext } from '../lib/context.js';
import { startFakeLark } from '../lib/fake-lark.js';
import { percentiles, sleep } from '../lib/load.js';
import { cloneItems } from '../lib/seed.js';

interface SweepRun {
  ms: number;
  sent: number;
  messages: number;
}

/**
 * 4. The reminder sweeper over many open items with their reminder rows: the sweep every 20 s
 * when nothing is due (the common case), then claim batches of 500 when many reminders are due at
 * once (after downtime); the sweeper process's memory; and the app's timers on that database.
 */
export async function measureSweeper(ctx: BenchContext): Promise<void> {
  const section = '4 reminder sweeper';
  const { sweepItems, sweepDue, sweepBatch } = ctx.params;
  const database = 'bench_sweep';
  await ctx.server.createDatabase(database, ctx.baseDatabase);
  const sql = ctx.server.admin(database);
  try {
    const seeded = await cloneItems(ctx.server.urlFor(database), sweepItems);
    const [pending] = await sql<{ n: number }[]>`select count(*)::int as n from reminders where status = 'pending'`;
    ctx.note(`sweeper: seeded ${seeded.items} items, ${seeded.reminders} reminder rows (${pending!.n} pending) in ${Math.round(seeded.ms)} ms`);

    // The app on this database: how many timers it holds, whatever the number of items.
    const lark = await startFakeLark();
    const app = await ctx.startApp(database, lark.url, 'sweeper-app');
    await sleep(2000);
    const appStats = await app.stats();
    await app.stop();
    await lark.close();
    ctx.record({ section, name: 'node-schedule timers in the app', value: appStats.timers, unit: '', target: 'independent of items (1 for reminders)', pass: appStats.timers <= 5, note: `one per job: reminders, reports, fold-rollups, repost-cards, retention; ${appStats.activeTimeouts} Node timeouts alive; ${seeded.items} items` });
    ctx.record({ section, name: 'app RSS idle with these items', value: mb(appStats.rss), unit: 'MB', target: '< 150 MB', pass: mb(appStats.rss) < 150 });

    const sweeper = await startChild('sweeper', { databaseUrl: ctx.server.urlFor(database), tz: 'Asia/Shanghai', batchSize: sweepBatch, orgFile: ctx.orgFile });
    try {
      await sweeper.request({ type: 'sweeps', count: 3 }); // warm-up
      const idle = await sweeper.request<{ runs: SweepRun[]; stats: ChildStats }>({ type: 'sweeps', count: 20 });
      const idleTimes = percentiles(idle.runs.map((r) => r.ms));
      ctx.record({ section, name: 'sweep, nothing due: p50', value: round(idleTimes.p50), unit: 'ms', target: '< 20 ms', pass: idleTimes.p50 < 20, note: `${seeded.items} open items, ${pending!.n} pending reminders, 20 sweeps` });
      ctx.record({ section, name: 'sweep, nothing due: max', value: round(idleTimes.max), unit: 'ms', target: '< 20 ms', pass: idleTimes.max < 20 });

      // Many due at once: one reminder on each of `sweepDue` items falls due a minute ago.
      await sql`update reminders set due_at = now() - interval '1 minute'
        where id in (select id from (select distinct on (item_id) id from reminders where status = 'pending' order by item_id, due_at) first limit ${sweepDue})`;
      const outboxBefore = await sql<{ n: number }[]>`select count(*)::int as n from outbox`;
      const drain = await sweeper.request<{ runs: SweepRun[]; stats: ChildStats }>({ type: 'drain' });
      const batches = drain.runs.filter((r) => r.sent > 0);
      const batchTimes = percentiles(batches.map((r) => r.ms));
      const sent = batches.reduce((a, r) => a + r.sent, 0);
      const messages = batches.reduce((a, r) => a + r.messages, 0);
      const outboxAfter = await sql<{ n: number }[]>`select count(*)::int as n from outbox`;
      const [stillDue] = await sql<{ n: number }[]>`select count(*)::int as n from reminders where status = 'pending' and due_at <= now()`;
      ctx.details.sweeper = { seeded, pendingReminders: pending!.n, idle: idle.runs, drain: drain.runs };
      ctx.record({ section, name: `claim batch of ${sweepBatch}: p50`, value: round(batchTimes.p50), unit: 'ms', note: `${sweepDue} reminders due at once on distinct items` });
      ctx.record({ section, name: `claim batch of ${sweepBatch}: max`, value: round(batchTimes.max), unit: 'ms' });
      ctx.record({ section, name: 'per reminder claimed', value: round(batches.reduce((a, r) => a + r.ms, 0) / Math.max(1, sent), 3), unit: 'ms' });
      ctx.record({ section, name: 'reminders sent / messages queued', value: `${sent} / ${messages}`, unit: '', target: `${sweepDue} sent, 0 left due`, pass: sent === sweepDue && stillDue!.n === 0, note: `${outboxAfter[0]!.n - outboxBefore[0]!.n} outbox rows written; several reminders for one chat become one message` });
      ctx.record({ section, name: 'sweeper process RSS idle → after draining', value: `${mb(idle.stats.rss)} → ${mb(drain.stats.rss)}`, unit: 'MB' });
      ctx.record({ section, name: 'sweeper heap used idle → after draining', value: `${mb(idle.stats.heapUsed)} → ${mb(drain.stats.heapUsed)}`, unit: 'MB' });
    } finally {
      await sweeper.stop();
    }
  } finally {
    await sql.end({ timeout: 5 });
    await ctx.server.dropDatabase(database);
  }
}
