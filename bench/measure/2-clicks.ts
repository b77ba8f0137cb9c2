import type postgres from 'postgres';
import { cpuMsBetween, type ChildStats } from '../lib/children.js';
import { mb, round, type BenchContext } from '../lib/context.js';
import { startFakeLark } from '../lib/fake-lark.js';
import { cardClick, signed, type SignedRequest } from '../lib/lark-events.js';
import { percentiles, runOpenLoop, sleep } from '../lib/load.js';
import { cloneItems, openOutbox, orgFacts } from '../lib/seed.js';

export const CLICK_DATABASE = 'bench_clicks';

interface ClickTarget {
  id: number;
  unit: string;
  messageId: string;
}

/** Row counters of the database (for rows written per click); PostgreSQL flushes them within ~1 s. */
async function tupleCounters(sql: postgres.Sql, database: string) {
  const [row] = await sql<{ commits: number; inserted: number; updated: number; fetched: number; returned: number }[]>`
    select xact_commit::float8 as commits, tup_inserted::float8 as inserted, tup_updated::float8 as updated, tup_fetched::float8 as fetched, tup_returned::float8 as returned
    from pg_stat_database where datname = ${database}`;
  return row!;
}

/**
 * 2. Card clicks: `acknowledge` on distinct open items through the real webhook route of the real
 * app (signed, encrypted, verified, deduplicated, one transaction with the item, its clocks and
 * reminders, the audit row and the card patches for the other copies), at a fixed rate.
 * Also 7: the app's RSS idle and under this load.
 */
export async function measureClicks(ctx: BenchContext): Promise<void> {
  const section = '2 card clicks';
  const { clickRate, clickSeconds, clickItems, connections } = ctx.params;
  const clicks = clickRate * clickSeconds;
  const warmups = Math.min(100, Math.round(clickRate));
  // Before the run at the target rate, a short step-up at low rates: what the app sustains here.
  const probeRates = [5, 10, 20].filter((rate) => rate < clickRate);
  const probeSeconds = ctx.params.quick ? 4 : 8;
  const probes = probeRates.reduce((sum, rate) => sum + rate * probeSeconds, 0);
  await ctx.server.createDatabase(CLICK_DATABASE, ctx.baseDatabase);
  const sql = ctx.server.admin(CLICK_DATABASE);
  const facts = await orgFacts(ctx.orgFile);
  const liaisonOf = new Map(facts.units.map((u) => [u.code, u.liaison ?? u.leader!]));
  const seeded = await cloneItems(sql, clickItems + warmups + probes);
  ctx.details.clickSeed = seeded;
  ctx.note(`clicks: seeded ${seeded.items} items (${seeded.clocks} clocks, ${seeded.reminders} reminders, ${seeded.cards} card copies) in ${Math.round(seeded.ms)} ms`);

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
  const warm = targets.slice(0, warmups).map((t) => build(t, 'warm'));
  const probeTargets = targets.slice(warmups, warmups + probes);
  const run = targets.slice(warmups + probes).map((t) => build(t, 'run'));
  const runIds = targets.slice(warmups + probes).map((t) => t.id);

  const lark = await startFakeLark();
  const app = await ctx.startApp(CLICK_DATABASE, lark.url, 'clicks');
  try {
    await sleep(2000); // start-up jobs (reminder sweep, reports) finish
    const idle = await app.stats();
    const toastOk = (_i: number, _status: number, body: string) => {
      try {
        return (JSON.parse(body) as { toast?: { type?: string } }).toast?.type === 'success';
      } catch {
        return false;
      }
    };
    await runOpenLoop({ port: app.port, rate: Math.min(clickRate, 50), connections, requests: warm, check: toastOk });
    await sleep(500);

    let offset = 0;
    const probeResults: Record<string, unknown> = {};
    for (const rate of probeRates) {
      const requests = probeTargets.slice(offset, offset + rate * probeSeconds).map((t) => build(t, `probe${rate}`));
      offset += requests.length;
      const probe = await runOpenLoop({ port: app.port, rate, connections, requests, check: toastOk });
      const l = percentiles([...probe.latencies, ...new Array<number>(probe.timeouts).fill(Infinity)]);
      probeResults[`${rate}/s`] = { latency: l, timeouts: probe.timeouts, skipped: probe.skipped };
      const shownProbe = (value: number) => (Number.isFinite(value) ? `${round(value)}` : '> 3000');
      ctx.record({ section, name: `step-up at ${rate}/s for ${probeSeconds} s: p50 / p99`, value: `${shownProbe(l.p50)} / ${shownProbe(l.p99)}`, unit: 'ms', pass: l.p99 < 50, target: 'p99 < 50 ms', note: `${probe.ok} answered in time of ${requests.length}` });
      await sleep(probe.timeouts > 0 ? 5000 : 1000);
    }
    ctx.details.clickStepUp = probeResults;

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
    const result = await runOpenLoop({ port: app.port, rate: clickRate, connections, requests: run, check: toastOk });
    // Clicks Lark gave up on (3 s) are still worked on by the app: wait until it has finished what it
    // received, so rows written can be compared with requests sent.
    const auditCount = async () =>
      (await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'item.acknowledged' and item_id = any(${runIds}::bigint[])`)[0]!.n;
    let settled = await auditCount();
    let unchanged = 0;
    const drainStarted = performance.now();
    while (settled < result.sent && unchanged < 3 && performance.now() - drainStarted < 60_000) {
      await sleep(1000);
      const now = await auditCount();
      unchanged = now === settled ? unchanged + 1 : 0;
      settled = now;
    }
    const drainMs = performance.now() - drainStarted;
    const after = await app.stats();
    const pgAfter = ctx.server.cpuMs();
    sampling = false;
    await sampler;
    await sleep(1500);
    const countersAfter = await tupleCounters(sql, CLICK_DATABASE);
    const outboxAfter = await openOutbox(sql);
    const audit = await auditCount();
    const [acked] = await sql<{ n: number }[]>`select count(*)::int as n from items where state = 'acknowledged' and id = any(${runIds}::bigint[])`;
    const [pendingByKind] = await sql<{ kinds: Record<string, number> | null }[]>`
      select json_object_agg(kind, n) as kinds from (select kind, count(*)::int as n from outbox where sent_at is null and dead_at is null group by kind) k`;

    // Unanswered clicks count as slower than Lark's limit, so a saturated run cannot look fast.
    const latency = percentiles([...result.latencies, ...new Array<number>(result.timeouts).fill(Infinity)]);
    const processed = Math.max(1, audit);
    const cpuMs = cpuMsBetween(before, after);
    const cpuPerClick = cpuMs / processed;
    const baseline = ctx.baseline;
    const ratio = (value: number, base?: number) => (base && Number.isFinite(value) ? round(value / base) : undefined);
    const shown = (value: number) => (Number.isFinite(value) ? round(value) : '> 3000');
    const perClick = (a: number, b: number) => round((b - a) / processed, 1);
    ctx.details.clicks = {
      latency,
      sent: result.sent,
      skipped: result.skipped,
      timeouts: result.timeouts,
      statuses: result.statuses,
      wallMs: result.wallMs,
      drainMs,
      over3s: result.timeouts,
      outboxOpenBefore: outboxBefore,
      outboxOpenAfter: outboxAfter,
      outboxOpenByKind: pendingByKind?.kinds ?? {},
      fakeLarkCalls: { ...lark.counts },
      rssSamplesMb: samples.map((s) => mb(s.rss)),
    };
    ctx.record({ section, name: 'latency p50', value: shown(latency.p50), unit: 'ms', baseline: baseline?.p50, ratio: ratio(latency.p50, baseline?.p50), target: '≤ 3× baseline', pass: baseline ? latency.p50 <= 3 * baseline.p50 : undefined });
    ctx.record({ section, name: 'latency p99', value: shown(latency.p99), unit: 'ms', baseline: baseline?.p99, ratio: ratio(latency.p99, baseline?.p99), target: '≤ 3× baseline and < 50 ms', pass: baseline ? latency.p99 <= 3 * baseline.p99 && latency.p99 < 50 : latency.p99 < 50 });
    ctx.record({ section, name: 'latency max', value: shown(latency.max), unit: 'ms', target: '< 3000 ms (Lark gives up)', pass: latency.max < 3000 });
    ctx.record({ section, name: 'achieved rate (answered in time)', value: round(result.achievedRate, 1), unit: '/s', target: `${clickRate}/s offered`, pass: result.achievedRate >= clickRate * 0.97, note: `${result.ok} of ${result.sent + result.skipped} clicks` });
    ctx.record({ section, name: 'errors / unanswered in 3 s / not sent', value: `${result.errors - result.timeouts} / ${result.timeouts} / ${result.skipped}`, unit: '', target: '0 / 0 / 0', pass: result.errors === 0 && result.skipped === 0, note: result.skipped > 0 ? `not sent: more than ${clickRate * 3 + connections} clicks were waiting, the rest could only time out` : undefined });
    ctx.record({ section, name: 'Node CPU per click', value: round(cpuPerClick, 3), unit: 'ms', baseline: baseline?.cpuPerRequestMs, ratio: ratio(cpuPerClick, baseline?.cpuPerRequestMs), target: '≤ 2 ms', pass: cpuPerClick <= 2, note: 'app process, incl. its outbox sender meanwhile; per click processed' });
    if (pgBefore !== undefined && pgAfter !== undefined) {
      ctx.record({ section, name: 'PostgreSQL CPU per click', value: round((pgAfter - pgBefore) / processed, 3), unit: 'ms', note: 'all server processes, from /proc' });
    }
    ctx.record({
      section,
      name: 'audit rows item.acknowledged = clicks',
      value: `${audit} = ${result.timeouts > 0 ? `${result.sent} sent` : `${result.ok} accepted`}`,
      unit: '',
      pass: audit === acked!.n && (result.timeouts > 0 ? audit === result.sent : audit === result.ok),
      note: result.timeouts > 0 ? `${audit - result.ok} took effect after Lark had given up (the user saw an error)` : undefined,
    });
    ctx.record({ section, name: 'rows inserted / updated per click', value: `${perClick(countersBefore.inserted, countersAfter.inserted)} / ${perClick(countersBefore.updated, countersAfter.updated)}`, unit: 'rows', note: 'pg_stat_database, includes the sender’s work meanwhile' });
    ctx.record({ section, name: 'outbox rows still queued after the run', value: outboxAfter, unit: 'rows', note: `${JSON.stringify(pendingByKind?.kinds ?? {})}; was ${outboxBefore} before` });

    const peak = Math.max(...samples.map((s) => s.rss), after.rss);
    ctx.record({ section: '7 memory, start-up', name: 'RSS idle (before clicks)', value: mb(idle.rss), unit: 'MB', target: '< 150 MB', pass: mb(idle.rss) < 150, note: `${seeded.items} items in the database` });
    ctx.record({ section: '7 memory, start-up', name: 'RSS under click load (peak)', value: mb(peak), unit: 'MB', baseline: baseline?.rssMb, ratio: ratio(mb(peak), baseline?.rssMb), note: `sampled every 1 s at ${clickRate}/s` });
    ctx.record({ section: '7 memory, start-up', name: 'heap used under click load (end)', value: mb(after.heapUsed), unit: 'MB' });
  } finally {
    await app.stop();
    await lark.close();
    await sql.end({ timeout: 5 });
  }
}
