import { sql, type SQL } from 'drizzle-orm';
import type { ReportAggregates } from '../../domain/report.js';
import type { Period } from '../../domain/periods.js';
import type { DbOrTx } from '../client.js';
import { leadCountsByUnit, withLeadCounts } from './leads.js';

/**
 * The SQL side of reports (DESIGN.md §9): aggregates only, so a month of a province-wide
 * deployment is counted in the database, not in memory. Drill items never count.
 */

export interface ReportScope {
  /** Only items this unit leads (a unit's own ledger); county-wide when absent. */
  unitCode?: string;
  unitName?: string;
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Items registered in the period, not drills, optionally led by one unit. */
function periodItems(period: Pick<Period, 'from' | 'to'>, scope: ReportScope): SQL {
  const unit = scope.unitCode
    ? sql` and exists (select 1 from item_units u where u.item_id = i.id and u.unit_code = ${scope.unitCode} and u.role = 'lead' and u.active)`
    : sql``;
  return sql`select i.* from items i where not i.drill and i.registered_at >= ${ts(period.from)} and i.registered_at < ${ts(period.to)}${unit}`;
}

async function countBy(db: DbOrTx, items: SQL, column: string): Promise<Record<string, number>> {
  const rows = await db.execute<{ key: string | null; n: number }>(sql`select coalesce(${sql.raw(column)}, 'unknown') as key, count(*)::int as n from (${items}) p group by 1`);
  return Object.fromEntries(rows.map((r) => [String(r.key), Number(r.n)]));
}

async function total(db: DbOrTx, items: SQL): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from (${items}) p`);
  return Number(row?.n ?? 0);
}

export async function reportAggregates(
  db: DbOrTx,
  input: { kind: ReportAggregates['kind']; period: Period; previous?: Period; trendPeriods: Period[]; scope: ReportScope; now: Date; overdueLimit?: number; notableLimit?: number },
): Promise<ReportAggregates> {
  const { period, scope, now } = input;
  const items = periodItems(period, scope);
  const end = now.getTime() < period.to.getTime() ? now : period.to;

  const byUnit = await db.execute<{ code: string; name: string; n: number }>(sql`
    select u.unit_code as code, un.name, count(*)::int as n
    from (${items}) p join item_units u on u.item_id = p.id and u.role = 'lead' and u.active join units un on un.code = u.unit_code
    group by 1, 2 order by 3 desc, 1`);

  const clockRows = await db.execute<{ kind: string; total: number; on_time: number; late: number; missed: number; extended: number }>(sql`
    select c.kind, count(*)::int as total,
      count(*) filter (where c.met_at is not null and c.met_at < coalesce(c.extended_due_at, c.due_at))::int as on_time,
      count(*) filter (where c.met_at is not null and c.met_at >= coalesce(c.extended_due_at, c.due_at))::int as late,
      count(*) filter (where c.met_at is null and coalesce(c.extended_due_at, c.due_at) <= ${ts(end)})::int as missed,
      count(*) filter (where c.extended_due_at is not null)::int as extended
    from (${items}) p join clocks c on c.item_id = p.id
    where c.kind <> 'watch'
    group by 1 order by 1`);

  const ledger = await db.execute<{
    code: string; name: string; items: number; decided: number; on_time: number; ack: number | null; verify: number | null; respond: number | null; overdue: number; extensions: number; disputes: number;
  }>(sql`
    with scoped as (${items}),
    led as (select u.unit_code, p.id from scoped p join item_units u on u.item_id = p.id and u.role = 'lead' and u.active)
    select l.unit_code as code, un.name, count(distinct l.id)::int as items,
      count(c.*) filter (where c.kind <> 'watch' and (c.met_at is not null or coalesce(c.extended_due_at, c.due_at) <= ${ts(end)}))::int as decided,
      count(c.*) filter (where c.kind <> 'watch' and c.met_at is not null and c.met_at < coalesce(c.extended_due_at, c.due_at))::int as on_time,
      percentile_cont(0.5) within group (order by extract(epoch from c.met_at - c.starts_at) / 60) filter (where c.kind = 'ack' and c.met_at is not null) as ack,
      percentile_cont(0.5) within group (order by extract(epoch from c.met_at - c.starts_at) / 60) filter (where c.kind = 'verify' and c.met_at is not null) as verify,
      percentile_cont(0.5) within group (order by extract(epoch from c.met_at - c.starts_at) / 60) filter (where c.kind = 'respond' and c.met_at is not null) as respond,
      count(c.*) filter (where c.kind <> 'watch' and c.met_at is null and coalesce(c.extended_due_at, c.due_at) <= ${ts(end)})::int as overdue,
      (select count(*)::int from extensions e where e.item_id in (select id from led x where x.unit_code = l.unit_code)) as extensions,
      (select count(*)::int from disputes d where d.from_unit = l.unit_code and d.item_id in (select id from scoped)) as disputes
    from led l join units un on un.code = l.unit_code left join clocks c on c.item_id = l.id
    group by 1, 2 order by 1`);

  // Still overdue now, whenever registered (not only this period's items).
  const unitFilter = scope.unitCode ? sql` and u.unit_code = ${scope.unitCode}` : sql``;
  const overdueSql = sql`
    from clocks c join items i on i.id = c.item_id and not i.drill and i.state <> 'closed'
    left join item_units u on u.item_id = i.id and u.role = 'lead' and u.active
    left join units un on un.code = u.unit_code
    where c.kind <> 'watch' and c.met_at is null and coalesce(c.extended_due_at, c.due_at) <= ${ts(now)}${unitFilter}`;
  const overdueItems = await db.execute<{ id: number; ref: string; title: string; unit: string | null; kind: string; minutes: number }>(sql`
    select i.id, i.ref, i.title, un.name as unit, c.kind, (extract(epoch from ${ts(now)} - coalesce(c.extended_due_at, c.due_at)) / 60)::int as minutes
    ${overdueSql} order by minutes desc, i.id limit ${input.overdueLimit ?? 100}`);
  const [overdueCount] = await db.execute<{ n: number }>(sql`select count(*)::int as n ${overdueSql}`);

  const notableSql = sql`
    from (${items}) p
    cross join lateral (select
      p.level in ('major', 'critical') as major,
      exists (select 1 from consultations k where k.item_id = p.id) as consulted,
      p.category = 'rumour' as rumour,
      exists (select 1 from audit_log a where a.item_id = p.id and a.action in ('item.recurred', 'item.reopened')) as reopened) f
    where f.major or f.consulted or f.rumour or f.reopened`;
  const notable = await db.execute<{ id: number; ref: string; title: string; level: string; major: boolean; consulted: boolean; rumour: boolean; reopened: boolean }>(sql`
    select p.id, p.ref, p.title, p.level, f.major, f.consulted, f.rumour, f.reopened ${notableSql}
    order by (p.level = 'critical') desc, (p.level = 'major') desc, p.registered_at desc limit ${input.notableLimit ?? 50}`);
  const [notableCount] = await db.execute<{ n: number }>(sql`select count(*)::int as n ${notableSql}`);

  const trend = [];
  for (const p of input.trendPeriods) trend.push({ label: p.label, total: await total(db, periodItems(p, scope)) });

  return {
    kind: input.kind,
    periodLabel: period.label,
    previousLabel: input.previous?.label,
    scope: scope.unitCode ? { kind: 'unit', unitCode: scope.unitCode, unitName: scope.unitName ?? scope.unitCode } : { kind: 'county' },
    total: await total(db, items),
    previousTotal: input.previous ? await total(db, periodItems(input.previous, scope)) : undefined,
    byCategory: await countBy(db, items, 'p.category'),
    bySource: await countBy(db, items, 'p.source'),
    byLevel: await countBy(db, items, 'p.level'),
    byKind: await countBy(db, items, 'p.kind'),
    byUnit: byUnit.map((r) => ({ code: r.code, name: r.name, count: Number(r.n) })),
    stateAtEnd: await countBy(db, items, 'p.state'),
    clocks: clockRows.map((r) => ({ kind: r.kind, total: Number(r.total), metOnTime: Number(r.on_time), metLate: Number(r.late), missedOpen: Number(r.missed), extended: Number(r.extended) })),
    ledger: withLeadCounts(ledger.map((r) => ({
      unitCode: r.code,
      unitName: r.name,
      items: Number(r.items),
      clocksTotal: Number(r.decided),
      clocksOnTime: Number(r.on_time),
      medianAckMinutes: r.ack === null ? null : Math.round(Number(r.ack)),
      medianVerifyMinutes: r.verify === null ? null : Math.round(Number(r.verify)),
      medianRespondMinutes: r.respond === null ? null : Math.round(Number(r.respond)),
      overdue: Number(r.overdue),
      extensions: Number(r.extensions),
      disputes: Number(r.disputes),
      leads: 0,
    })), await leadCountsByUnit(db, period, scope.unitCode)),
    overdueItems: overdueItems.map((r) => ({ itemId: Number(r.id), ref: r.ref, title: r.title, unitName: r.unit ?? '待指定', clock: r.kind, overdueMinutes: Number(r.minutes) })),
    overdueTotal: Number(overdueCount?.n ?? 0),
    notable: notable.map((r) => ({
      itemId: Number(r.id),
      ref: r.ref,
      title: r.title,
      level: r.level,
      reasons: (['major', 'consulted', 'rumour', 'reopened'] as const).filter((reason) => r[reason]),
    })),
    notableTotal: Number(notableCount?.n ?? 0),
    trend,
  };
}
