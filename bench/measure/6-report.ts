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

/**
 * Indexes the report's SQL lacks, tried in the scratch database after the plain runs (the bench
 * never adds them to the project: the note reports the difference). Chosen from the EXPLAIN of
 * the slowest statement.
 */
export const CANDIDATE_INDEXES = [
  'create index bench_consultations_item on consultations (item_id)',
  'create index bench_items_registered on items (registered_at)',
];

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
 * runs again with the candidate indexes created in this scratch database.
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
      ctx.record({ section, name: `${n.toLocaleString('en')} items: buildReport (${big ? 'one run' : 'median of 3 after a first'})`, value: round(median), unit: 'ms', target: n >= 1_000_000 ? '< 1000 ms' : undefined, pass: n >= 1_000_000 ? median < 1000 : undefined, note: `${big ? '' : `first run ${Math.round(first.ms)} ms; `}${first.queries.length} statements; report total ${first.total}` });
      ctx.record({ section, name: `${n.toLocaleString('en')} items: slowest statement`, value: round(top.ms), unit: 'ms', note: top.sql.replace(/\s+/g, ' ').slice(0, 90) });

      // What would make it faster, tried in this scratch database only: the indexes first, then
      // (on top) more memory for sorts, since the slowest statement sorts on disk.
      const variants: { name: string; apply: () => Promise<unknown> }[] = [
        { name: 'with candidate indexes', apply: async () => { for (const create of CANDIDATE_INDEXES) await sql.unsafe(create); } },
        { name: "and work_mem = '64MB'", apply: () => sql.unsafe(`alter database "${database}" set work_mem = '64MB'`) },
      ];
      const tried: Record<string, number[]> = {};
      // (Default runs only: a quick run keeps to the plain figures.)
      for (const variant of big || ctx.params.quick ? [] : variants) {
        await variant.apply();
        await sql`analyze`;
        const fresh = connectDatabase(ctx.server.urlFor(database), { max: 2 });
        try {
          const runs: number[] = [];
          for (let i = 0; i < 3; i += 1) {
            const started = performance.now();
            await buildReport(fresh.db, { period, scope: {}, now, tz: TZ });
            runs.push(performance.now() - started);
          }
          tried[variant.name] = runs;
          const m = percentiles(runs).p50;
          ctx.record({ section, name: `${n.toLocaleString('en')} items: ${variant.name}`, value: round(m), unit: 'ms', baseline: round(median), ratio: round(m / median), note: 'scratch database only (not added to the project); median of 3' });
        } finally {
          await fresh.close();
        }
      }
      (ctx.details[`report_${n}`] as Record<string, unknown>).variants = { indexes: CANDIDATE_INDEXES, runsMs: tried };
    } finally {
      await database_.close();
      await sql.end({ timeout: 5 });
      await ctx.server.dropDatabase(database);
    }
  }
}
