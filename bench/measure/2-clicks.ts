import type postgres from 'postgres';
import { cpuMsBetween, type ChildStats } from '../lib/children.js';
import { mb, round, type BenchContext } from '../lib/context.js';
import { startFakeLark } from '../lib/fake-lark.js';
import { cardClick, signed, type SignedRequest } from '../lib/lark-events.js';
import { percentiles, runOpenLoop, sleep, type LoadResult } from '../lib/load.js';
import { cloneItems, openOutbox, orgFacts } from '../lib/seed.js';
import { COMMANDS_DATABASE } from './3-commands.js';

export const CLICK_DATABASE = 'bench_clicks';

interface ClickTarget {
  id: number;
  unit: string;
  messageId: string;
}

/** Row counters of the database (for rows written per click); PostgreSQL flushes them within ~1 s. */
async function tupleCounters(sql: postgres.Sql, database: string) {
  const [row] = await sql<{ inserted: number; updated: number }[]>`
    select tup_inserted::float8 as inserted, tup_updated::float8 as updated from pg_stat_database where datname = ${database}`;
  return row!;
}

/** Clicks that took effect: audit rows `item.acknowledged` on these items (and doubles, if any). */
async function effects(sql: postgres.Sql, ids: number[]) {
  const [row] = await sql<{ rows: number; items: number; acked: number }[]>`
    select count(*)::int as rows, count(distinct item_id)::int as items,
      (select count(*)::int from items where state = 'acknowledged' and id = any(${ids}::bigint[])) as acked
    from audit_log where action = 'item.acknowledged' and item_id = any(${ids}::bigint[])`;
  return row!;
}

/**
 * Clicks Lark gave up on (3 s) are still worked on by the app: waits until it has done what it
 * received (or made no progress for 3 s, or `boundMs` passed). Returns the effects so far.
 */
async function settle(sql: postgres.Sql, ids: number[], sent: number, boundMs: number) {
  const started = performance.now();
  let last = await effects(sql, ids);
  let unchanged = 0;
  while (last.rows < sent && unchanged < 3 && performance.now() - started < boundMs) {
    await sleep(1000);
    const now = await effects(sql, ids);
    unchanged = now.rows === last.rows ? unchanged + 1 : 0;
    last = now;
  }
  return { ...last, waitedMs: performance.now() - started };
}

function latencyWindows(result: LoadResult, windowMs: number): string[] {
  const windows: number[][] = [];
  result.byIndex.forEach((latency, i) => {
    const w = Math.floor((result.dueAt[i]! - result.dueAt[0]!) / windowMs);
    (windows[w] ??= []).push(Number.isNaN(latency) ? Infinity : latency);
  });
  return windows.map((list) => {
    const p = percentiles(list);
    return `${shown(p.p50)} / ${shown(p.p99)} / ${shown(p.max)}`;
  });
}

const latencyOf = (result: LoadResult) => percentiles([...result.latencies, ...new Array<number>(result.timeouts).fill(Infinity)]);
const shown = (value: number) => (Number.isFinite(value) ? round(value) : '> 3000');

/**
 * 2. Card clicks: `acknowledge` on distinct open items through the real webhook route of the real
 * app (signed, encrypted, verified, deduplicated, one transaction with the item, its clocks and
 * reminders, the audit row and the card patches for the other copies). A short step-up at low
 * rates first (what the app sustains here), then the target rate.
 * Also 7: the app's RSS idle and under this load.
 */
export async function measureClicks(ctx: BenchContext): Promise<void> {
  const section = '2 card clicks';
  const { clickRate, clickSeconds, clickItems, connections } = ctx.params;
  const clicks = clickRate * clickSeconds;
  const warmups = 25;
  const probeRates = (ctx.params.quick ? [5, 20] : [5, 10, 20]).filter((rate) => rate < clickRate);
  const probeSeconds = ctx.params.quick ? 3 : 5;
  const probes = probeRates.reduce((sum, rate) => sum + rate * probeSeconds, 0);
  await ctx.server.createDatabase(CLICK_DATABASE, ctx.baseDatabase);
  const facts = await orgFacts(ctx.orgFile);
  const liaisonOf = new Map(facts.units.map((u) => [u.code, u.liaison ?? u.leader!]));
  const seeded = await cloneItems(ctx.server.urlFor(CLICK_DATABASE), clickItems + warmups + probes);
  ctx.details.clickSeed = seeded;
  // The text commands run on a copy of this database as it is now, before any click.
  await ctx.server.createDatabase(COMMANDS_DATABASE, CLICK_DATABASE);
  ctx.details.commandsDatabaseReady = true;
  const sql = ctx.server.admin(CLICK_DATABASE);
  ctx.note(`clicks: seeded ${seeded.items} items (${seeded.clocks} clocks, ${seeded.reminders} reminders, ${seeded.cards} card copies) in ${Math.round(seeded.ms)} ms`);

  // Each click acknowledges an item still waiting for it, as its lead unit's liaison, in that unit's chat.
  const targets = await sql<ClickTarget[]>`
    select i.id::int as id, u.unit_code as unit, coalesce(o.result->'delivered'->>('chat:oc_bench_' || u.unit_code), 'om_unknown') as "messageId"
    from items i
    join item_units u on u.item_id = i.id and u.role = 'lead' and u.active
    left join item_cards c on c.item_id = i.id and c.audience = 'chat:oc_bench_' || u.unit_code and c.moved_at is null
    left join outbox o on o.key = c.send_key
    where i.state = 'dispatched'
    order by random()
    limit ${clicks + warmups + probes}`;
  if (targets.length < clicks + warmups + probes) throw new Error(`only ${targets.length} dispatched items for ${clicks + warmups + probes} clicks`);
  const nowMs = new Date().getTime();
  const build = (target: ClickTarget, tag: string): SignedRequest =>
    signed(
      '/webhook/card',
      cardClick({ eventId: `ev_click_${tag}_${target.id}`, operator: liaisonOf.get(target.unit)!, chatId: `oc_bench_${target.unit}`, messageId: target.messageId, value: { action: 'acknowledge', item: target.id }, nowMs }),
      nowMs,
    );
  const toastOk = (_i: number, _status: number, body: string) => {
    try {
      return (JSON.parse(body) as { toast?: { type?: string } }).toast?.type === 'success';
    } catch {
      return false;
    }
  };
  let next = 0;
  const take = (n: number) => targets.slice(next, (next += n));

  const lark = await startFakeLark();
  const app = await ctx.startApp(CLICK_DATABASE, lark.url, 'clicks');
  let overloaded = false;
  try {
    await sleep(2000); // start-up jobs (reminder sweep, reports) finish
    const idle = await app.stats();
    // Warm-up (JIT, connection pool) at a rate the app keeps up with; not counted.
    const warm = take(warmups);
    await runOpenLoop({ port: app.port, rate: 5, connections, requests: warm.map((t) => build(t, 'warm')), check: toastOk });
    await settle(sql, warm.map((t) => t.id), warm.length, 20_000);

    const stepUp: Record<string, unknown> = {};
    for (const rate of probeRates) {
      const batch = take(rate * probeSeconds);
      const probe = await runOpenLoop({ port: app.port, rate, connections, requests: batch.map((t) => build(t, `step${rate}`)), check: toastOk });
      const latency = latencyOf(probe);
      stepUp[`${rate}/s`] = { latency, timeouts: probe.timeouts, skipped: probe.skipped };
      ctx.record({ section, name: `step-up at ${rate}/s for ${probeSeconds} s: p50 / p99`, value: `${shown(latency.p50)} / ${shown(latency.p99)}`, unit: 'ms', target: 'p99 < 50 ms', pass: latency.p99 < 50, note: `${probe.ok} of ${batch.length} answered in time` });
      // Let the app finish what Lark already gave up on before the next step.
      await settle(sql, batch.map((t) => t.id), batch.length, 30_000);
    }
    ctx.details.clickStepUp = stepUp;

    const batch = take(clicks);
    const runIds = batch.map((t) => t.id);
    const outboxBefore = await openOutbox(sql);
    const countersBefore = await tupleCounters(sql, CLICK_DATABASE);
    const pgBefore = ctx.server.cpuMs();
    const before = await app.stats();
    const samples: ChildStats[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await sleep(1000);
        if (sampling) samples.push(await app.stats());
      }
    })();
    const result = await runOpenLoop({ port: app.port, rate: clickRate, connections, requests: batch.map((t) => build(t, 'run')), check: toastOk });
    const afterLoad = await effects(sql, runIds);
    const done = await settle(sql, runIds, result.sent, ctx.params.quick ? 10_000 : 20_000);
    const after = await app.stats();
    const pgAfter = ctx.server.cpuMs();
    sampling = false;
    await sampler;
    overloaded = done.rows < result.sent;
    await sleep(1500);
    const countersAfter = await tupleCounters(sql, CLICK_DATABASE);
    const outboxAfter = await openOutbox(sql);
    const [pendingByKind] = await sql<{ kinds: Record<string, number> | null }[]>`
      select json_object_agg(kind, n) as kinds from (select kind, count(*)::int as n from outbox where sent_at is null and dead_at is null group by kind) k`;

    // Unanswered clicks count as slower than Lark's limit, so a saturated run cannot look fast.
    const latency = latencyOf(result);
    const processed = Math.max(1, done.rows);
    const cpuPerClick = cpuMsBetween(before, after) / processed;
    // Kernel time is mostly the loopback socket writes to PostgreSQL and the HTTP answers.
    ctx.details.clickCpuSplit = {
      userMsPerClick: round((after.cpu.user - before.cpu.user) / 1000 / processed, 3),
      systemMsPerClick: round((after.cpu.system - before.cpu.system) / 1000 / processed, 3),
    };
    const throughput = done.rows / ((result.wallMs + done.waitedMs) / 1000);
    const baseline = ctx.baseline;
    const ratio = (value: number, base?: number) => (base && Number.isFinite(value) ? round(value / base) : undefined);
    const perClick = (a: number, b: number) => round((b - a) / processed, 1);
    ctx.details.clicks = {
      latency,
      sent: result.sent,
      skipped: result.skipped,
      timeouts: result.timeouts,
      statuses: result.statuses,
      wallMs: result.wallMs,
      processedWhenLoadEnded: afterLoad.rows,
      processedAfterWaiting: done.rows,
      waitedMs: done.waitedMs,
      outboxOpenBefore: outboxBefore,
      outboxOpenAfter: outboxAfter,
      outboxOpenByKind: pendingByKind?.kinds ?? {},
      fakeLarkCalls: { ...lark.counts },
      rssSamplesMb: samples.map((s) => mb(s.rss)),
      // Where the slow answers were: p50 / p99 / max per 5 s of the load (by when each was due).
      latencyBy5s: latencyWindows(result, 5000),
    };
    ctx.record({ section, name: 'latency p50', value: shown(latency.p50), unit: 'ms', baseline: baseline?.p50, ratio: ratio(latency.p50, baseline?.p50), target: '≤ 3× baseline', pass: baseline ? latency.p50 <= 3 * baseline.p50 : undefined });
    ctx.record({ section, name: 'latency p99', value: shown(latency.p99), unit: 'ms', baseline: baseline?.p99, ratio: ratio(latency.p99, baseline?.p99), target: '≤ 3× baseline and < 50 ms', pass: baseline ? latency.p99 <= 3 * baseline.p99 && latency.p99 < 50 : latency.p99 < 50 });
    ctx.record({ section, name: 'latency max', value: shown(latency.max), unit: 'ms', target: '< 3000 ms (Lark gives up)', pass: latency.max < 3000 });
    ctx.record({ section, name: 'achieved rate (answered in time)', value: round(result.achievedRate, 1), unit: '/s', target: `${clickRate}/s offered`, pass: result.achievedRate >= clickRate * 0.97, note: `${result.ok} of ${clicks} clicks answered within 3 s` });
    ctx.record({ section, name: 'clicks processed per second, saturated', value: round(throughput, 1), unit: '/s', note: `${done.rows} took effect in ${round((result.wallMs + done.waitedMs) / 1000, 0)} s (the load, then until done or no progress)` });
    ctx.record({ section, name: 'errors / unanswered in 3 s / not sent', value: `${result.errors - result.timeouts} / ${result.timeouts} / ${result.skipped}`, unit: '', target: '0 / 0 / 0', pass: result.errors === 0 && result.skipped === 0, note: result.skipped > 0 ? `not sent: ${clickRate * 3 + connections} were already waiting` : undefined });
    ctx.record({ section, name: 'Node CPU per click', value: round(cpuPerClick, 3), unit: 'ms', baseline: baseline?.cpuPerRequestMs, ratio: ratio(cpuPerClick, baseline?.cpuPerRequestMs), target: '≤ 2 ms', pass: cpuPerClick <= 2, note: 'app process incl. its outbox sender, per click processed' });
    if (pgBefore !== undefined && pgAfter !== undefined) {
      ctx.record({ section, name: 'PostgreSQL CPU per click', value: round((pgAfter - pgBefore) / processed, 3), unit: 'ms', note: 'all server processes, from /proc' });
    }
    ctx.record({
      section,
      name: 'audit rows item.acknowledged = clicks that took effect',
      value: `${done.rows} = ${done.acked}`,
      unit: '',
      target: 'one per click, no doubles',
      pass: done.rows === done.items && done.rows === done.acked && done.rows >= result.ok && (overloaded || done.rows === result.sent),
      note: overloaded
        ? `${done.rows} of ${result.sent} sent had taken effect when the wait ended; ${Math.max(0, done.rows - result.ok)} after Lark had given up (the user saw an error)`
        : `every one of the ${result.sent} clicks sent; ${done.rows - done.items} doubles`,
    });
    ctx.record({ section, name: 'rows inserted / updated per click', value: `${perClick(countersBefore.inserted, countersAfter.inserted)} / ${perClick(countersBefore.updated, countersAfter.updated)}`, unit: 'rows', note: 'pg_stat_database, includes the sender’s work meanwhile' });
    ctx.record({ section, name: 'outbox rows still queued after the run', value: outboxAfter, unit: 'rows', note: `${JSON.stringify(pendingByKind?.kinds ?? {})}; ${outboxBefore} before` });

    const peak = Math.max(...samples.map((s) => s.rss), after.rss);
    ctx.record({ section: '7 memory, start-up', name: 'RSS idle (before clicks)', value: mb(idle.rss), unit: 'MB', target: '< 150 MB', pass: mb(idle.rss) < 150, note: `${seeded.items} items in the database` });
    ctx.record({ section: '7 memory, start-up', name: 'RSS under click load (peak)', value: mb(peak), unit: 'MB', baseline: baseline?.rssMb, ratio: ratio(mb(peak), baseline?.rssMb), note: `sampled every 1 s at ${clickRate}/s${overloaded ? '; requests queued in the app' : ''}` });
    ctx.record({ section: '7 memory, start-up', name: 'heap used under click load (end)', value: mb(after.heapUsed), unit: 'MB' });
  } finally {
    // An app still working through thousands of queued clicks is not asked to finish them.
    if (overloaded) await app.kill();
    else await app.stop();
    await lark.close();
    await sql.end({ timeout: 5 });
  }
}
