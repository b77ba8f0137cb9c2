import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { connectDatabase, type Db } from '../../src/db/client.js';
import { lastCompletePeriod } from '../../src/domain/periods.js';
import { buildReport } from '../../src/workflow/reports.js';
import { round, type BenchContext } from '../lib/context.js';
import { percentiles } from '../lib/load.js';
import { seedReportItems } from '../lib/report-data.js';
import { orgFacts } from '../lib/seed.js';

const TZ = 'Asia/Shanghai';
const dialect = new PgDialect();

interface TimedQuery {
  ms: number;
  sql: string;
  params: unknown[];
}

/**
 * The same Db, with execute() timed statement by statement (the report's aggregates are raw SQL;
 * anything built with the query builder passes through untimed).
 */
function timedDb(db: Db, into: TimedQuery[]): Db {
  return new Proxy(db, {
    get(target, property, receiver) {
      // The report runs its statements in a transaction of its own: time those too.
      if (property === 'transaction') return (run: (tx: Db) => Promise<unknown>) => target.transaction((tx) => run(timedDb(tx as unknown as Db, into)));
      if (property !== 'execute') return Reflect.get(target, property, receiver) as unknown;
      return async (query: SQL) => {
        const started = performance.now();
        const result = await target.execute(query);
        const { sql, params } = dialect.sqlToQuery(query);
        into.push({ ms: performance.now() - started, sql, params });
        return result;
      };
    },
  });
}

/**
 * 6. The monthly report (buildReport: the SQL aggregates, the shaping and the digest card) over
 * databases of n items registered in the reported month, seeded by SQL. For each size: the first
 * run and the median of three more; the slowest statement with its EXPLAIN ANALYZE; and the same
 * statements in order of time. The indexes it uses come with the migrations (0009, 0011).
 */
export async function measureReport(ctx: BenchContext): Promise<void> {
  const section = '6 monthly report';
  const facts = await orgFacts(ctx.orgFile);
  const now = new Date();
  const period = lastCompletePeriod('monthly', now, TZ);
  for (const n of ctx.params.reportSizes) {
    const database = `bench_report_${n}`;
    await ctx.server.createDatabase(database, ctx.baseDatabase);
    const sql = ctx.server.admin(database);
    const database_ = connectDatabase(ctx.server.urlFor(database), { max: 2 });
    try {
      const seeded = await seedReportItems(sql, n, period.from, period.to, facts.units.map((u) => u.code));
      ctx.note(`report: seeded ${n} items for ${period.label} in ${Math.round(seeded.ms / 1000)} s (${JSON.stringify(seeded.counts)})`);
      const run = async () => {
        const queries: TimedQuery[] = [];
        const started = performance.now();
        const report = await buildReport(timedDb(database_.db, queries), { period, scope: {}, now, tz: TZ });
        return { ms: performance.now() - started, queries, total: report.view.total };
      };
      // A million items take tens of seconds a run: one run (no repeats, no variants, EXPLAIN
      // without ANALYZE); the smaller size shows the same plan with its timings.
      const big = n >= 1_000_000;
      const first = await run();
      const again = big ? [first] : [await run(), await run(), await run()];
      const median = percentiles(again.map((r) => r.ms)).p50;
      const slowest = [...again.at(-1)!.queries].sort((a, b) => b.ms - a.ms);
      const top = slowest[0]!;
      const plan = (await sql.unsafe(`explain ${big ? '' : '(analyze, buffers) '}${top.sql}`, top.params as never[])).map((row) => String(Object.values(row)[0]));
      ctx.details[`report_${n}`] = {
        period: period.label,
        seeded,
        firstMs: first.ms,
        runsMs: again.map((r) => r.ms),
        statements: slowest.slice(0, 6).map((q) => ({ ms: round(q.ms, 1), sql: q.sql.replace(/\s+/g, ' ').slice(0, 400) })),
        slowestExplain: plan,
      };
      ctx.record({ section, name: `${n.toLocaleString('en')} items: buildReport (${big ? 'one run' : 'median of 3 after a first'})`, value: round(median), unit: 'ms', target: n >= 1_000_000 ? '< 1000 ms' : n >= 100_000 ? '< 500 ms (issue 7: well under 1 s)' : undefined, pass: n >= 1_000_000 ? median < 1000 : n >= 100_000 ? median < 500 : undefined, note: `${big ? '' : `first run ${Math.round(first.ms)} ms; `}${first.queries.length} statements; report total ${first.total}` });
      ctx.record({ section, name: `${n.toLocaleString('en')} items: slowest statement`, value: round(top.ms), unit: 'ms', note: top.sql.replace(/\s+/g, ' ').slice(0, 90) });
      ctx.record({ section, name: `${n.toLocaleString('en')} items: rollups rebuilt from scratch`, value: round(seeded.rebuildMs), unit: 'ms', note: `${seeded.counts.report_rollup} rollup rows (first install, a new zone, a bulk load)` });

      // The rollups as a working day leaves them: changes made through the triggers, not yet folded.
      const changes = big ? 0 : 10_000;
      if (changes > 0) {
        const changedAt = performance.now();
        for (let batch = 0; batch < changes / 100; batch += 1) {
          await sql`update clocks set met_at = starts_at + interval '17 minutes', met_by = 'acknowledge'
            where kind = 'ack' and met_at is null and item_id in (select item_id from clocks where kind = 'ack' and met_at is null order by item_id limit 100)`;
        }
        const changeMs = performance.now() - changedAt;
        const [deltas] = await sql<{ n: number }[]>`select count(*)::int as n from report_rollup where delta`;
        const unfolded = [await run(), await run(), await run()];
        const foldStarted = performance.now();
        await sql`select yq_report_fold()`;
        const foldMs = performance.now() - foldStarted;
        const folded = await run();
        ctx.details[`report_${n}_after_changes`] = { changes, changeMs, deltaRows: deltas!.n, unfoldedRunsMs: unfolded.map((r) => r.ms), foldMs, foldedRunMs: folded.ms };
        ctx.record({ section, name: `${n.toLocaleString('en')} items after ${changes.toLocaleString('en')} changes, unfolded`, value: round(percentiles(unfolded.map((r) => r.ms)).p50), unit: 'ms', note: `${deltas!.n} delta rows; changes took ${round(changeMs / changes, 2)} ms each in batches of 100; fold ${Math.round(foldMs)} ms, then ${Math.round(folded.ms)} ms` });
      }

    } finally {
      await database_.close();
      await sql.end({ timeout: 5 });
      await ctx.server.dropDatabase(database);
    }
  }
}
