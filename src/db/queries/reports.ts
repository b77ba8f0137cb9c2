import { sql, type SQL } from 'drizzle-orm';
import { medianOfHistogram, type ReportAggregates } from '../../domain/report.js';
import type { Period } from '../../domain/periods.js';
import { localDateKey, startOfLocalDay } from '../../domain/time.js';
import type { DbOrTx } from '../client.js';
import { leadCountsByUnit, withLeadCounts } from './leads.js';

/**
 * The SQL side of reports (DESIGN.md §9). Counts come from the rollups that database triggers keep
 * in the transaction of every change (migration 0013): a period's report sums its days' rows, a
 * few thousand whatever the number of items, instead of reading every item and clock. Only what
 * depends on the moment of asking is read from the live tables, through small indexes: clocks that
 * fell due earlier today, the overdue list, the notable items. Drill items never count.
 */

export interface ReportScope {
  /** Only items this unit leads (a unit's own ledger); county-wide when absent. */
  unitCode?: string;
  unitName?: string;
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** The active lead unit of item `i` (the rollups' choice when data holds two: the first code). */
const LEAD_UNIT = sql`(select min(u.unit_code) from item_units u where u.item_id = i.id and u.role = 'lead' and u.active)`;

function leadScope(scope: ReportScope): SQL {
  return scope.unitCode ? sql` and ${LEAD_UNIT} = ${scope.unitCode}` : sql``;
}

type RollupRow = { unit: string; metric: string; key: string; n: number };

/** The rollup sums of the days [fromDay, toDay), per unit, metric and key. */
async function rollupSums(db: DbOrTx, fromDay: string, toDay: string, scope: ReportScope): Promise<RollupRow[]> {
  const unit = scope.unitCode ? sql` and unit = ${scope.unitCode}` : sql``;
  const rows = await db.execute<RollupRow>(sql`
    select unit, metric, key, sum(n)::bigint as n from report_rollup
    where day >= ${fromDay}::date and day < ${toDay}::date${unit}
    group by 1, 2, 3 having sum(n) <> 0`);
  return rows.map((row) => ({ ...row, n: Number(row.n) }));
}

/** Clocks that fell due since local midnight and are still running: what the day rollups cannot know yet. */
async function dueToday(db: DbOrTx, period: Pick<Period, 'from' | 'to'>, dayStart: Date, now: Date, scope: ReportScope) {
  if (now.getTime() <= dayStart.getTime()) return [];
  const rows = await db.execute<{ unit: string; kind: string; in_period: number; open: number }>(sql`
    select coalesce(${LEAD_UNIT}, '') as unit, c.kind,
      count(*) filter (where i.registered_at >= ${ts(period.from)} and i.registered_at < ${ts(period.to)})::int as in_period,
      count(*) filter (where i.state <> 'closed')::int as open
    from clocks c join items i on i.id = c.item_id and not i.drill
    where c.met_at is null and c.kind <> 'watch'
      and coalesce(c.extended_due_at, c.due_at) > ${ts(dayStart)} and coalesce(c.extended_due_at, c.due_at) <= ${ts(now)}${leadScope(scope)}
    group by 1, 2`);
  return rows.map((row) => ({ unit: row.unit, kind: row.kind, inPeriod: Number(row.in_period), open: Number(row.open) }));
}

/** Running clocks of items not closed, due at or before `dayKey`'s midnight, whenever registered. */
async function openUnmetBefore(db: DbOrTx, dayKey: string, scope: ReportScope): Promise<number> {
  const unit = scope.unitCode ? sql` and unit = ${scope.unitCode}` : sql``;
  const [row] = await db.execute<{ n: number }>(sql`
    select coalesce(sum(n), 0)::bigint as n from report_rollup
    where metric = 'open_unmet' and split_part(key, '|', 2) < ${dayKey}${unit}`);
  return Number(row?.n ?? 0);
}

/** Item counts per local day over [fromDay, toDay), for the trend and the previous period. */
async function itemsPerDay(db: DbOrTx, fromDay: string, toDay: string, scope: ReportScope): Promise<Map<string, number>> {
  const unit = scope.unitCode ? sql` and unit = ${scope.unitCode}` : sql``;
  const rows = await db.execute<{ day: string; n: number }>(sql`
    select to_char(day, 'YYYY-MM-DD') as day, sum(n)::bigint as n from report_rollup
    where metric = 'items' and day >= ${fromDay}::date and day < ${toDay}::date${unit} group by 1`);
  return new Map(rows.map((row) => [row.day, Number(row.n)]));
}

type NotableRow = { id: number; ref: string; title: string; level: string; registered_at: string; major: boolean; consulted: boolean; rumour: boolean; reopened: boolean };

/**
 * Notable items of the period: critical first, then major, then the rest newest first. Each kind
 * is found from its own small index (major, critical and rumours; consultations; reopenings), so
 * a period of a million items is not read for fifty of them.
 */
async function notableItems(db: DbOrTx, period: Pick<Period, 'from' | 'to'>, scope: ReportScope, limit: number): Promise<NotableRow[]> {
  const inPeriod = sql`not i.drill and i.registered_at >= ${ts(period.from)} and i.registered_at < ${ts(period.to)}${leadScope(scope)}`;
  const rows = await db.execute<NotableRow>(sql`
    with candidates as (
      (select i.id from items i where ${inPeriod} and i.level = 'critical' order by i.registered_at desc, i.id desc limit ${limit})
      union (select i.id from items i where ${inPeriod} and i.level = 'major' order by i.registered_at desc, i.id desc limit ${limit})
      union (select i.id from items i where ${inPeriod} and i.category = 'rumour' order by i.registered_at desc, i.id desc limit ${limit})
      -- From the small tables to the items (OFFSET 0 keeps the planner from walking the period's
      -- items in date order and probing each).
      union (select id from (select distinct i.id, i.registered_at from consultations k join items i on i.id = k.item_id where ${inPeriod} offset 0) x
             order by registered_at desc, id desc limit ${limit})
      union (select id from (select distinct i.id, i.registered_at from audit_log a join items i on i.id = a.item_id
               where a.action in ('item.recurred', 'item.reopened') and ${inPeriod} offset 0) x
             order by registered_at desc, id desc limit ${limit})
    )
    select i.id, i.ref, i.title, i.level, i.registered_at::text, i.level in ('major', 'critical') as major,
      exists (select 1 from consultations k where k.item_id = i.id) as consulted, i.category = 'rumour' as rumour,
      exists (select 1 from audit_log a where a.item_id = i.id and a.action in ('item.recurred', 'item.reopened')) as reopened
    from candidates join items i using (id)
    order by (i.level = 'critical') desc, (i.level = 'major') desc, i.registered_at desc, i.id desc limit ${limit}`);
  return rows;
}

type AggregatesInput = {
  kind: ReportAggregates['kind'];
  period: Period;
  previous?: Period;
  trendPeriods: Period[];
  scope: ReportScope;
  now: Date;
  /** The county's zone: periods are whole local days in it, as the rollups are. */
  tz: string;
  overdueLimit?: number;
  notableLimit?: number;
};

export function reportAggregates(db: DbOrTx, input: AggregatesInput): Promise<ReportAggregates> {
  // One transaction (a savepoint inside the caller's): every statement sees the same counts.
  return db.transaction((tx) => aggregate(tx, input));
}

function dayKeyOf(instant: Date, tz: string, what: string): string {
  if (startOfLocalDay(instant, tz).getTime() !== instant.getTime()) throw new Error(`report ${what} ${instant.toISOString()} is not a local midnight in ${tz}`);
  return localDateKey(instant, tz);
}

type Counts = { total: number; on_time: number; late: number; missed: number; extended: number };
/** The clock metrics the rollups count as they are (missed is judged at the report's end). */
const CLOCK_COUNTS = { clock_total: 'total', clock_on_time: 'on_time', clock_late: 'late', clock_extended: 'extended' } as const;

async function aggregate(db: DbOrTx, input: AggregatesInput): Promise<ReportAggregates> {
  const { period, scope, now, tz } = input;
  const [settings] = await db.execute<{ tz: string }>(sql`select tz from report_settings where id = 1`);
  if (settings?.tz !== tz) throw new Error(`report rollups are kept in ${settings?.tz ?? 'no zone'}, not ${tz}: start the bot to rebuild them`);
  const fromDay = dayKeyOf(period.from, tz, 'start');
  const toDay = dayKeyOf(period.to, tz, 'end');
  const todayStart = startOfLocalDay(now, tz);
  const today = localDateKey(now, tz);
  // "Missed" is judged at the period's end, or now for a period still running.
  const running = now.getTime() < period.to.getTime();
  const missedBefore = running ? today : toDay;

  const sums = await rollupSums(db, fromDay, toDay, scope);
  const late = running ? await dueToday(db, period, todayStart, now, scope) : [];

  const by: Record<'category' | 'source' | 'level' | 'kind' | 'state', Record<string, number>> = { category: {}, source: {}, level: {}, kind: {}, state: {} };
  const unitItems = new Map<string, number>();
  const groups = new Map<string, Counts>();
  const histograms = new Map<string, Map<number, number>>();
  const extensions = new Map<string, number>();
  const disputes = new Map<string, number>();
  let total = 0;
  let notableTotal = 0;
  const group = (unit: string, kind: string) => {
    const key = `${unit}|${kind}`;
    let counts = groups.get(key);
    if (!counts) groups.set(key, (counts = { total: 0, on_time: 0, late: 0, missed: 0, extended: 0 }));
    return counts;
  };
  for (const { unit, metric, key, n } of sums) {
    switch (metric) {
      case 'items':
        total += n;
        if (unit !== '') unitItems.set(unit, (unitItems.get(unit) ?? 0) + n);
        break;
      case 'category':
      case 'source':
      case 'level':
      case 'kind':
      case 'state':
        by[metric][key] = (by[metric][key] ?? 0) + n;
        break;
      case 'notable':
        notableTotal += n;
        break;
      case 'extensions':
        extensions.set(unit, (extensions.get(unit) ?? 0) + n);
        break;
      case 'disputes':
        disputes.set(key, (disputes.get(key) ?? 0) + n);
        break;
      case 'clock_total':
      case 'clock_on_time':
      case 'clock_late':
      case 'clock_extended':
        group(unit, key)[CLOCK_COUNTS[metric]] += n;
        break;
      case 'clock_unmet': {
        const [kind, dueDay] = key.split('|') as [string, string];
        if (dueDay < missedBefore) group(unit, kind).missed += n;
        break;
      }
      case 'clock_minutes': {
        const [kind, minutes] = key.split('|') as [string, string];
        const histogram = histograms.get(`${unit}|${kind}`) ?? new Map<number, number>();
        histogram.set(Number(minutes), (histogram.get(Number(minutes)) ?? 0) + n);
        histograms.set(`${unit}|${kind}`, histogram);
        break;
      }
      default:
        break; // open_unmet: read over all days below
    }
  }
  for (const row of late) group(row.unit, row.kind).missed += row.inPeriod;

  const unitNames = new Map((await db.execute<{ code: string; name: string }>(sql`select code, name from units`)).map((u) => [u.code, u.name]));
  const byUnit = [...unitItems]
    .map(([code, count]) => ({ code, name: unitNames.get(code) ?? code, count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));

  const perKind = new Map<string, ReportAggregates['clocks'][number]>();
  for (const [key, g] of groups) {
    const kind = key.slice(key.indexOf('|') + 1);
    const k = perKind.get(kind) ?? { kind, total: 0, metOnTime: 0, metLate: 0, missedOpen: 0, extended: 0 };
    k.total += g.total;
    k.metOnTime += g.on_time;
    k.metLate += g.late;
    k.missedOpen += g.missed;
    k.extended += g.extended;
    perKind.set(kind, k);
  }
  const median = (unit: string, kind: string) => {
    const histogram = histograms.get(`${unit}|${kind}`);
    const value = histogram ? medianOfHistogram(histogram) : null;
    return value === null ? null : Math.round(value);
  };
  const ledger = [...byUnit]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((u) => {
      const own = [...groups].filter(([key]) => key.startsWith(`${u.code}|`)).map(([, g]) => g);
      const sum = (pick: (g: Counts) => number) => own.reduce((acc, g) => acc + pick(g), 0);
      return {
        unitCode: u.code,
        unitName: u.name,
        items: u.count,
        // Decided: met, or due by the end and not met; an open clock not yet due is still undecided.
        clocksTotal: sum((g) => g.on_time + g.late + g.missed),
        clocksOnTime: sum((g) => g.on_time),
        medianAckMinutes: median(u.code, 'ack'),
        medianVerifyMinutes: median(u.code, 'verify'),
        medianRespondMinutes: median(u.code, 'respond'),
        overdue: sum((g) => g.missed),
        extensions: extensions.get(u.code) ?? 0,
        disputes: disputes.get(u.code) ?? 0,
        leads: 0,
      };
    });

  // Still overdue now, whenever registered (not only this period's items): the longest overdue
  // first, found from the open-clock index in due order; the count from the rollups and today's.
  const overdueItems = await db.execute<{ id: number; ref: string; title: string; unit: string | null; kind: string; minutes: number }>(sql`
    select i.id, i.ref, i.title, (select name from units where code = ${LEAD_UNIT}) as unit, c.kind,
      (extract(epoch from ${ts(now)} - coalesce(c.extended_due_at, c.due_at)) / 60)::int as minutes
    from clocks c join items i on i.id = c.item_id and not i.drill and i.state <> 'closed'
    where c.kind <> 'watch' and c.met_at is null and coalesce(c.extended_due_at, c.due_at) <= ${ts(now)}${leadScope(scope)}
    order by coalesce(c.extended_due_at, c.due_at), i.id limit ${input.overdueLimit ?? 100}`);
  const overdueToday = (running ? late : await dueToday(db, period, todayStart, now, scope)).reduce((acc, row) => acc + row.open, 0);
  const overdueTotal = (await openUnmetBefore(db, today, scope)) + overdueToday;

  const notable = await notableItems(db, period, scope, input.notableLimit ?? 50);

  const trendAndPrevious = [...input.trendPeriods, ...(input.previous ? [input.previous] : [])].map((p) => ({ from: dayKeyOf(p.from, tz, 'start'), to: dayKeyOf(p.to, tz, 'end') }));
  const perDay = trendAndPrevious.length
    ? await itemsPerDay(db, trendAndPrevious.reduce((a, p) => (p.from < a ? p.from : a), trendAndPrevious[0]!.from), trendAndPrevious.reduce((a, p) => (p.to > a ? p.to : a), trendAndPrevious[0]!.to), scope)
    : new Map<string, number>();
  const totalOf = (p: { from: string; to: string }) => [...perDay].reduce((acc, [day, n]) => (day >= p.from && day < p.to ? acc + n : acc), 0);
  const trend = input.trendPeriods.map((p, i) => ({ label: p.shortLabel, total: totalOf(trendAndPrevious[i]!) }));

  return {
    kind: input.kind,
    periodLabel: period.label,
    previousLabel: input.previous?.label,
    scope: scope.unitCode ? { kind: 'unit', unitCode: scope.unitCode, unitName: scope.unitName ?? scope.unitCode } : { kind: 'county' },
    total,
    previousTotal: input.previous ? totalOf(trendAndPrevious.at(-1)!) : undefined,
    byCategory: by.category,
    bySource: by.source,
    byLevel: by.level,
    byKind: by.kind,
    byUnit,
    stateAtEnd: by.state,
    clocks: [...perKind.values()].sort((a, b) => a.kind.localeCompare(b.kind)),
    ledger: withLeadCounts(ledger, await leadCountsByUnit(db, period, scope.unitCode)),
    overdueItems: overdueItems.map((r) => ({ itemId: Number(r.id), ref: r.ref, title: r.title, unitName: r.unit ?? '待指定', clock: r.kind, overdueMinutes: Number(r.minutes) })),
    overdueTotal,
    notable: notable.map((r) => ({
      itemId: Number(r.id),
      ref: r.ref,
      title: r.title,
      level: r.level,
      reasons: (['major', 'consulted', 'rumour', 'reopened'] as const).filter((reason) => r[reason]),
    })),
    notableTotal,
    trend,
  };
}

/** Counts every item again from scratch (a new zone; a bulk load that bypassed the triggers). */
export async function rebuildReportRollups(db: DbOrTx, tz: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`insert into report_settings (id, tz) values (1, ${tz}) on conflict (id) do update set tz = excluded.tz`);
    await tx.execute(sql`select yq_report_rebuild()`);
  });
}

/** Rebuilds the rollups if they were kept in another zone than the county's; says whether it did. */
export async function ensureReportZone(db: DbOrTx, tz: string): Promise<boolean> {
  const [row] = await db.execute<{ tz: string }>(sql`select tz from report_settings where id = 1`);
  if (row?.tz === tz) return false;
  await rebuildReportRollups(db, tz);
  return true;
}

/**
 * Folds committed delta rows into one row per key, so a report sums as few rows as possible. One
 * replica at a time (the others skip); returns how many delta rows it folded.
 */
export async function foldReportRollups(db: DbOrTx): Promise<number> {
  return db.transaction(async (tx) => {
    const [lock] = await tx.execute<{ ok: boolean }>(sql`select pg_try_advisory_xact_lock(hashtext('yq_report_fold')) as ok`);
    if (!lock?.ok) return 0;
    const [row] = await tx.execute<{ n: number }>(sql`select yq_report_fold() as n`);
    return Number(row?.n ?? 0);
  });
}
