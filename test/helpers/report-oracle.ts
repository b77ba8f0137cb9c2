import { sql, type SQL } from 'drizzle-orm';
import type { ReportAggregates } from '../../src/domain/report.js';
import type { Period } from '../../src/domain/periods.js';
import type { DbOrTx } from '../../src/db/client.js';
import { leadCountsByUnit, withLeadCounts } from '../../src/db/queries/leads.js';
import type { ReportScope } from '../../src/db/queries/reports.js';

/**
 * The oracle for the report rollups: the report's aggregates computed straight from the items,
 * clocks and records of the period (what src/db/queries/reports.ts did before migration 0013).
 * Slow on big data, obviously right on small: tests compare the rollups against it.
 * Medians are over whole minutes per clock, as the rollups keep them.
 */

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** The active lead unit of item `i`, if the scope asks for one unit. */
function unitFilter(scope: ReportScope): SQL {
  return scope.unitCode
    ? sql` and exists (select 1 from item_units u where u.item_id = i.id and u.unit_code = ${scope.unitCode} and u.role = 'lead' and u.active)`
    : sql``;
}

/** Items registered in [from, to), not drills, optionally led by one unit. */
function periodItems(period: Pick<Period, 'from' | 'to'>, scope: ReportScope, columns: SQL = sql`i.*`): SQL {
  return sql`select ${columns} from items i where not i.drill and i.registered_at >= ${ts(period.from)} and i.registered_at < ${ts(period.to)}${unitFilter(scope)}`;
}

const DIMENSIONS = ['category', 'source', 'level', 'kind', 'state', 'unit'] as const;
type Dimension = (typeof DIMENSIONS)[number];

/** Counts by each dimension and in total, in one pass over the period's items. */
async function breakdowns(db: DbOrTx, items: SQL) {
  const rows = await db.execute<{ dim: Dimension | 'total'; key: string | null; name: string | null; n: number }>(sql`
    select case
        when grouping(p.category) = 0 then 'category' when grouping(p.source) = 0 then 'source'
        when grouping(p.level) = 0 then 'level' when grouping(p.kind) = 0 then 'kind'
        when grouping(p.state) = 0 then 'state' when grouping(u.unit_code) = 0 then 'unit' else 'total' end as dim,
      coalesce(p.category, p.source, p.level, p.kind, p.state, u.unit_code) as key, min(un.name) as name, count(*)::int as n
    from (${items}) p
    left join item_units u on u.item_id = p.id and u.role = 'lead' and u.active
    left join units un on un.code = u.unit_code
    group by grouping sets ((p.category), (p.source), (p.level), (p.kind), (p.state), (u.unit_code), ())`);
  const by = Object.fromEntries(DIMENSIONS.map((dim) => [dim, {} as Record<string, number>])) as Record<Dimension, Record<string, number>>;
  const unitNames = new Map<string, string>();
  let total = 0;
  for (const row of rows) {
    if (row.dim === 'total') {
      total = Number(row.n);
      continue;
    }
    // Items without a lead unit are not in the per-unit breakdown (nobody leads them yet).
    if (row.dim === 'unit' && row.key === null) continue;
    by[row.dim][row.key ?? 'unknown'] = Number(row.n);
    if (row.dim === 'unit') unitNames.set(row.key!, row.name ?? row.key!);
  }
  const byUnit = Object.entries(by.unit)
    .map(([code, count]) => ({ code, name: unitNames.get(code)!, count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  return { total, by, byUnit };
}

type ClockGroup = {
  unit: string | null;
  kind: string;
  total: number;
  on_time: number;
  late: number;
  missed: number;
  extended: number;
  median: number | null;
};

/**
 * Clock outcomes per (lead unit, clock) in one pass: summed over units they give the per-clock
 * table, summed over clocks the ledger. `end` is when "missed" is judged (the period's end, or now
 * for a period still running). Watch periods are not deadlines anyone can miss.
 */
async function clockGroups(db: DbOrTx, items: SQL, end: Date): Promise<ClockGroup[]> {
  const joined = sql`
    from (${items}) p
    join clocks c on c.item_id = p.id and c.kind <> 'watch'
    left join item_units u on u.item_id = p.id and u.role = 'lead' and u.active`;
  // Counts hash-aggregate in one pass; the medians sort only the met clocks that have one.
  const counts = await db.execute<Omit<ClockGroup, 'median'>>(sql`
    select u.unit_code as unit, c.kind, count(*)::int as total,
      count(*) filter (where c.met_at < coalesce(c.extended_due_at, c.due_at))::int as on_time,
      count(*) filter (where c.met_at >= coalesce(c.extended_due_at, c.due_at))::int as late,
      count(*) filter (where c.met_at is null and coalesce(c.extended_due_at, c.due_at) <= ${ts(end)})::int as missed,
      count(*) filter (where c.extended_due_at is not null)::int as extended
    ${joined} group by 1, 2`);
  const medians = await db.execute<{ unit: string | null; kind: string; median: number }>(sql`
    select u.unit_code as unit, c.kind, percentile_cont(0.5) within group (order by floor(extract(epoch from c.met_at - c.starts_at) / 60)) as median
    ${joined} where c.met_at is not null and c.kind in ('ack', 'verify', 'respond') group by 1, 2`);
  const medianOf = new Map(medians.map((m) => [`${m.unit}|${m.kind}`, Number(m.median)]));
  return counts.map((r) => ({
    unit: r.unit,
    kind: r.kind,
    total: Number(r.total),
    on_time: Number(r.on_time),
    late: Number(r.late),
    missed: Number(r.missed),
    extended: Number(r.extended),
    median: medianOf.get(`${r.unit}|${r.kind}`) ?? null,
  }));
}

/** Extensions of the items each unit leads, and disputes each unit raised, over the period's items. */
async function unitExtras(db: DbOrTx, items: SQL): Promise<{ extensions: Map<string, number>; disputes: Map<string, number> }> {
  const rows = await db.execute<{ what: 'extensions' | 'disputes'; unit: string; n: number }>(sql`
    with p as (${items})
    select 'extensions' as what, u.unit_code as unit, count(*)::int as n
      from p join extensions e on e.item_id = p.id join item_units u on u.item_id = p.id and u.role = 'lead' and u.active group by 2
    union all
    select 'disputes', d.from_unit, count(*)::int from p join disputes d on d.item_id = p.id group by 2`);
  const out = { extensions: new Map<string, number>(), disputes: new Map<string, number>() };
  for (const row of rows) out[row.what].set(row.unit, Number(row.n));
  return out;
}

/** Item counts of several periods in one pass (trend and previous period). */
async function periodTotals(db: DbOrTx, periods: Pick<Period, 'from' | 'to'>[], scope: ReportScope): Promise<number[]> {
  if (periods.length === 0) return [];
  const from = new Date(Math.min(...periods.map((p) => p.from.getTime())));
  const to = new Date(Math.max(...periods.map((p) => p.to.getTime())));
  const counts = sql.join(
    periods.map((p, i) => sql`count(*) filter (where p.registered_at >= ${ts(p.from)} and p.registered_at < ${ts(p.to)})::int as ${sql.identifier(`n${i}`)}`),
    sql`, `,
  );
  const [row] = await db.execute<Record<string, number>>(sql`select ${counts} from (${periodItems({ from, to }, scope, sql`i.registered_at`)}) p`);
  return periods.map((_, i) => Number(row?.[`n${i}`] ?? 0));
}

type AggregatesInput = { kind: ReportAggregates['kind']; period: Period; previous?: Period; trendPeriods: Period[]; scope: ReportScope; now: Date; overdueLimit?: number; notableLimit?: number };

export function directReportAggregates(db: DbOrTx, input: AggregatesInput): Promise<ReportAggregates> {
  // One transaction (a savepoint inside the caller's): every statement sees the same items, and
  // the medians' sort stays in memory (the default 4 MB spills to disk from ~100,000 clocks).
  // SET LOCAL lasts to the end of the caller's transaction: reports end the ones they run in.
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local work_mem = '64MB'`);
    // Compiling these one-off scans costs more than it saves (0.5 s at a million items).
    await tx.execute(sql`set local jit = off`);
    return aggregate(tx, input);
  });
}

async function aggregate(db: DbOrTx, input: AggregatesInput): Promise<ReportAggregates> {
  const { period, scope, now } = input;
  const items = periodItems(period, scope);
  const end = now.getTime() < period.to.getTime() ? now : period.to;

  const { total, by, byUnit } = await breakdowns(db, items);
  const groups = await clockGroups(db, periodItems(period, scope, sql`i.id`), end);
  const extras = await unitExtras(db, periodItems(period, scope, sql`i.id`));

  const perKind = new Map<string, ReportAggregates['clocks'][number]>();
  for (const g of groups) {
    const k = perKind.get(g.kind) ?? { kind: g.kind, total: 0, metOnTime: 0, metLate: 0, missedOpen: 0, extended: 0 };
    k.total += g.total;
    k.metOnTime += g.on_time;
    k.metLate += g.late;
    k.missedOpen += g.missed;
    k.extended += g.extended;
    perKind.set(g.kind, k);
  }
  const median = (unit: string, kind: string) => {
    const value = groups.find((g) => g.unit === unit && g.kind === kind)?.median;
    return value === null || value === undefined ? null : Math.round(value);
  };
  const ledger = [...byUnit]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((u) => {
      const own = groups.filter((g) => g.unit === u.code);
      const sum = (pick: (g: ClockGroup) => number) => own.reduce((acc, g) => acc + pick(g), 0);
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
        extensions: extras.extensions.get(u.code) ?? 0,
        disputes: extras.disputes.get(u.code) ?? 0,
        leads: 0,
      };
    });

  // Still overdue now, whenever registered (not only this period's items): the longest overdue
  // first, found from the open-clock index in due order, and the count apart (no window over all).
  const scopedUnit = scope.unitCode ? sql` and u.unit_code = ${scope.unitCode}` : sql``;
  const overdueFrom = sql`
    from clocks c join items i on i.id = c.item_id and not i.drill and i.state <> 'closed'
    left join item_units u on u.item_id = i.id and u.role = 'lead' and u.active
    where c.kind <> 'watch' and c.met_at is null and coalesce(c.extended_due_at, c.due_at) <= ${ts(now)}${scopedUnit}`;
  const overdueItems = await db.execute<{ id: number; ref: string; title: string; unit: string | null; kind: string; minutes: number }>(sql`
    select i.id, i.ref, i.title, (select name from units where code = u.unit_code) as unit, c.kind,
      (extract(epoch from ${ts(now)} - coalesce(c.extended_due_at, c.due_at)) / 60)::int as minutes
    ${overdueFrom} order by coalesce(c.extended_due_at, c.due_at), i.id limit ${input.overdueLimit ?? 100}`);
  const [overdueCount] = await db.execute<{ n: number }>(sql`select count(*)::int as n ${overdueFrom}`);

  // Notable: major or critical, consulted, rumours, reopened or recurred. The rare flags come from
  // their own small tables, so the period's items are read once.
  const notable = await db.execute<{ id: number; ref: string; title: string; level: string; major: boolean; consulted: boolean; rumour: boolean; reopened: boolean; n: number }>(sql`
    with p as (${periodItems(period, scope, sql`i.id, i.ref, i.title, i.level, i.category, i.registered_at`)}),
    consulted as (select distinct k.item_id from consultations k join p on p.id = k.item_id),
    reopened as (select distinct a.item_id from audit_log a join p on p.id = a.item_id where a.action in ('item.recurred', 'item.reopened'))
    select p.id, p.ref, p.title, p.level, p.level in ('major', 'critical') as major, k.item_id is not null as consulted,
      p.category = 'rumour' as rumour, r.item_id is not null as reopened, count(*) over ()::int as n
    from p left join consulted k on k.item_id = p.id left join reopened r on r.item_id = p.id
    where p.level in ('major', 'critical') or p.category = 'rumour' or k.item_id is not null or r.item_id is not null
    order by (p.level = 'critical') desc, (p.level = 'major') desc, p.registered_at desc, p.id desc limit ${input.notableLimit ?? 50}`);

  const totals = await periodTotals(db, [...input.trendPeriods, ...(input.previous ? [input.previous] : [])], scope);
  const trend = input.trendPeriods.map((p, i) => ({ label: p.shortLabel, total: totals[i]! }));

  return {
    kind: input.kind,
    periodLabel: period.label,
    previousLabel: input.previous?.label,
    scope: scope.unitCode ? { kind: 'unit', unitCode: scope.unitCode, unitName: scope.unitName ?? scope.unitCode } : { kind: 'county' },
    total,
    previousTotal: input.previous ? totals.at(-1) : undefined,
    byCategory: by.category,
    bySource: by.source,
    byLevel: by.level,
    byKind: by.kind,
    byUnit,
    stateAtEnd: by.state,
    clocks: [...perKind.values()].sort((a, b) => a.kind.localeCompare(b.kind)),
    ledger: withLeadCounts(ledger, await leadCountsByUnit(db, period, scope.unitCode)),
    overdueItems: overdueItems.map((r) => ({ itemId: Number(r.id), ref: r.ref, title: r.title, unitName: r.unit ?? '待指定', clock: r.kind, overdueMinutes: Number(r.minutes) })),
    overdueTotal: Number(overdueCount?.n ?? 0),
    notable: notable.map((r) => ({
      itemId: Number(r.id),
      ref: r.ref,
      title: r.title,
      level: r.level,
      reasons: (['major', 'consulted', 'rumour', 'reopened'] as const).filter((reason) => r[reason]),
    })),
    notableTotal: Number(notable[0]?.n ?? 0),
    trend,
  };
}
