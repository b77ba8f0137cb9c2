import { startChild, cpuMsBetween } from '../lib/children.js';
import { mb, round, type BenchContext } from '../lib/context.js';
import { cardClick, signed } from '../lib/lark-events.js';
import { percentiles, runOpenLoop } from '../lib/load.js';

/**
 * 1. The baseline: same express, same verification and decryption, one INSERT in one transaction,
 * `{}`. Driven exactly like the click run (same rate, duration, connections, payload shape), so
 * the click figures can be read as ratios to it.
 */
export async function measureBaseline(ctx: BenchContext): Promise<void> {
  const section = '1 baseline';
  const { clickRate, clickSeconds, connections } = ctx.params;
  const database = 'bench_baseline';
  await ctx.server.createDatabase(database, ctx.baseDatabase);
  const sql = ctx.server.admin(database);
  const child = await startChild('baseline', { databaseUrl: ctx.server.urlFor(database) });
  try {
    const nowMs = new Date().getTime();
    const build = (i: number, tag: string) =>
      signed('/webhook/card', cardClick({ eventId: `ev_base_${tag}_${i}`, operator: 'ou_demo_health_liaison', chatId: 'oc_bench_health', messageId: 'om_fake_1', value: { action: 'acknowledge', item: 100000 + i }, nowMs }), nowMs);
    // Warm-up (JIT, connection pool), not counted.
    await runOpenLoop({ port: child.port, rate: clickRate, connections, requests: Array.from({ length: Math.min(200, clickRate * 2) }, (_, i) => build(i, 'warm')) });
    await sql`delete from inbound_events`;
    const requests = Array.from({ length: clickRate * clickSeconds }, (_, i) => build(i, 'run'));
    const before = await child.stats();
    const result = await runOpenLoop({ port: child.port, rate: clickRate, connections, requests });
    const after = await child.stats();
    const [rows] = await sql<{ n: number }[]>`select count(*)::int as n from inbound_events`;
    const latency = percentiles([...result.latencies, ...new Array<number>(result.timeouts).fill(Infinity)]);
    const cpuPerRequestMs = cpuMsBetween(before, after) / Math.max(1, result.ok);
    ctx.baseline = { p50: latency.p50, p99: latency.p99, cpuPerRequestMs, rssMb: mb(after.rss) };
    ctx.details.baseline = { latency, statuses: result.statuses, wallMs: result.wallMs };
    ctx.record({ section, name: 'latency p50', value: round(latency.p50), unit: 'ms', note: 'reference: 2–3 ms (issue)' });
    ctx.record({ section, name: 'latency p99', value: round(latency.p99), unit: 'ms', note: 'reference: 13–19 ms (issue)' });
    ctx.record({ section, name: 'latency max', value: round(latency.max), unit: 'ms' });
    ctx.record({ section, name: 'achieved rate', value: round(result.achievedRate, 1), unit: '/s', target: `${clickRate}/s offered` });
    ctx.record({ section, name: 'errors', value: result.errors, unit: '', target: '0', pass: result.errors === 0 });
    ctx.record({ section, name: 'Node CPU per request', value: round(cpuPerRequestMs, 3), unit: 'ms' });
    ctx.record({ section, name: 'rows written = requests accepted', value: `${rows!.n} = ${result.ok}`, unit: '', pass: rows!.n === result.ok });
  } finally {
    await child.stop();
    await sql.end({ timeout: 5 });
    await ctx.server.dropDatabase(database);
  }
}
