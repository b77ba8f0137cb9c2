import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { ensureReportZone, foldReportRollups, reportAggregates, type ReportScope } from '../../src/db/queries/reports.js';
import { customPeriod, periodContaining, previousPeriod, type Period } from '../../src/domain/periods.js';
import { addLocalDays, startOfLocalDay } from '../../src/domain/time.js';
import { createTestDatabase } from '../helpers/db.js';
import { useAppHarness } from '../helpers/harness.js';
import { directReportAggregates } from '../helpers/report-oracle.js';

/**
 * The report rollups (migration 0013) against the oracle: the same aggregates computed straight
 * from the items, clocks and records. Histories go through the real app (commands and clicks, over
 * days, with extensions, reassignment, closing and reopening), and random SQL changes hit every
 * table the triggers watch, many rows at once and in concurrent transactions. After each, the
 * rollups must equal a rebuild from scratch, and reports from them must equal the oracle's.
 */

const TZ = 'Asia/Shanghai';
const HOUR = 3_600_000;
const SEED = Number(process.env.ROLLUP_PROPERTY_SEED ?? 20_261_128);

type Sql = postgres.Sql;

/** The rollups as committed: signed sums per key, folded or not. */
async function rollupState(sql_: Sql): Promise<string[]> {
  const rows = await sql_<{ line: string }[]>`
    select to_char(day, 'YYYY-MM-DD') || ' ' || unit || ' ' || metric || ':' || key || ' = ' || sum(n) as line
    from report_rollup group by day, unit, metric, key having sum(n) <> 0 order by 1`;
  return rows.map((row) => row.line);
}

/** What a rebuild from scratch gives, without keeping it. */
async function rebuiltState(sql_: Sql): Promise<string[]> {
  let rebuilt: string[] = [];
  await sql_
    .begin(async (tx) => {
      await tx`select yq_report_rebuild()`;
      rebuilt = await rollupState(tx as unknown as Sql);
      throw new Error('rollback');
    })
    .catch((error: Error) => {
      if (error.message !== 'rollback') throw error;
    });
  return rebuilt;
}

describe('report rollups through the app, against the oracle', () => {
  // Wednesday 25 November 2026, 09:00 local.
  const { db, harness, d } = useAppHarness({ at: new Date('2026-11-25T01:00:00Z') });
  const news = (text: string) => d.say('ou_news_staff', text, 'oc_rollup_dm', 'p2p');
  const refs: string[] = [];
  const idOf = async (ref: string) => Number((await db.db.execute<{ id: number }>(sql`select id from items where ref = ${ref}`))[0]!.id);

  async function register(fields: string) {
    const reply = await news(`/yq new 汇总测试 ${refs.length + 1}\n${fields}`);
    const ref = /^已登记 (YQ-\d{8}-\d{3})/.exec(reply)?.[1];
    expect(ref, reply).toBeDefined();
    refs.push(ref!);
    return ref!;
  }

  async function compare(period: Period, scope: ReportScope, label: string) {
    const now = harness.clock.now();
    const input = { kind: 'custom' as const, period, previous: previousPeriod(period, TZ), trendPeriods: [previousPeriod(period, TZ), period], scope, now, tz: TZ };
    const fromRollups = await reportAggregates(db.db, input);
    const fromItems = await directReportAggregates(db.db, input);
    expect(fromRollups, `${label} at ${now.toISOString()}`).toEqual(fromItems);
    return fromRollups;
  }

  async function compareAll() {
    const now = harness.clock.now();
    const periods = [
      periodContaining('daily', now, TZ),
      periodContaining('daily', addLocalDays(now, -1, TZ), TZ),
      periodContaining('weekly', now, TZ),
      periodContaining('weekly', addLocalDays(now, -7, TZ), TZ),
      periodContaining('monthly', now, TZ),
      customPeriod(startOfLocalDay(addLocalDays(now, -3, TZ), TZ), startOfLocalDay(addLocalDays(now, 2, TZ), TZ), TZ),
    ];
    let seen = 0;
    for (const period of periods) {
      for (const scope of [{}, { unitCode: 'health', unitName: '县卫健委' }, { unitCode: 'education', unitName: '县教育局' }]) {
        seen += (await compare(period, scope, `${period.label} ${scope.unitCode ?? 'county'}`)).total;
      }
    }
    expect(await rollupState(db.sql)).toEqual(await rebuiltState(db.sql));
    return seen;
  }

  it('equal the oracle at every step of a week of histories, before and after folding', { timeout: 120_000 }, async () => {
    const a = await register('部门: 卫健委\n级别: 重大\n来源: 微博\n类别: 谣言');
    const b = await register('部门: 卫健委\n类型: 咨询投诉\n来源: 抖音');
    const c = await register('部门: 教育局\n级别: 特别重大');
    await register('部门: 卫健委\n演练: 是');
    await register('部门: 公安局');
    expect(await compareAll()).toBeGreaterThan(0);

    harness.clock.advance(HOUR / 2);
    await d.click('ou_health_liaison', { item: await idOf(a), action: 'acknowledge' }, 'oc_health');
    await news(`/yq extend ${b} 认领 3小时 单位在开会`);
    harness.clock.advance(5 * HOUR);
    await d.click('ou_health_liaison', { item: await idOf(b), action: 'acknowledge' }, 'oc_health');
    await d.click('ou_health_liaison', { item: await idOf(a), action: 'verify_submit' }, 'oc_health', { formValue: { outcome: 'true', findings: '核查属实', rectification: 'no' } });
    await compareAll();

    // Across midnight: yesterday's items, clocks falling due today, a reassignment and a reopening.
    harness.clock.advance(18 * HOUR);
    await news(`/yq assign ${c} 卫健委`);
    await news(`/yq close ${a} 已处置`);
    await news(`/yq reopen ${a} 网友继续追问`);
    const e = await register('部门: 教育局\n类别: 政策误读');
    await compareAll();
    await foldReportRollups(db.db);
    const [deltas] = await db.sql<{ n: number }[]>`select count(*)::int as n from report_rollup where delta`;
    expect(deltas!.n).toBe(0);
    await compareAll();

    harness.clock.advance(3 * 24 * HOUR);
    await news(`/yq recur ${b} 同一话题再次发酵`);
    await news(`/yq close ${e}`);
    await register('部门: 公安局\n级别: 重大');
    const total = await compareAll();
    expect(total).toBeGreaterThan(10);
  });
});

/** One random change to the tables the triggers watch, as SQL (many rows at once where it can). */
type Change =
  | { kind: 'item-field'; item: number; field: 'state' | 'level' | 'category' | 'source' | 'kind'; value: string }
  | { kind: 'items-state'; value: string }
  | { kind: 'move-registered'; item: number; hours: number }
  | { kind: 'drill'; item: number; drill: boolean }
  | { kind: 'meet'; item: number; clock: string; minutes: number | null }
  | { kind: 'meet-all'; minutes: number }
  | { kind: 'extend'; item: number; clock: string; hours: number | null }
  | { kind: 'lead'; item: number; unit: string }
  | { kind: 'drop-lead'; item: number }
  | { kind: 'extension'; item: number }
  | { kind: 'dispute'; item: number; unit: string }
  | { kind: 'undispute'; item: number }
  | { kind: 'consult'; item: number }
  | { kind: 'reopened'; item: number }
  | { kind: 'delete-clock'; item: number; clock: string }
  | { kind: 'new-item' };

const UNITS = ['health', 'education', 'police'];
const CLOCKS = ['ack', 'verify', 'respond', 'watch'];
const item = fc.integer({ min: 0, max: 5 });
const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('item-field' as const), item, field: fc.constantFrom('state' as const), value: fc.constantFrom('dispatched', 'acknowledged', 'responded', 'closed') }),
  fc.record({ kind: fc.constant('item-field' as const), item, field: fc.constantFrom('level' as const), value: fc.constantFrom('general', 'major', 'critical') }),
  fc.record({ kind: fc.constant('item-field' as const), item, field: fc.constantFrom('category' as const), value: fc.constantFrom('general', 'rumour', 'emergency') }),
  fc.record({ kind: fc.constant('item-field' as const), item, field: fc.constantFrom('source' as const, 'kind' as const), value: fc.constantFrom('weibo', 'inquiry', 'opinion') }),
  fc.record({ kind: fc.constant('items-state' as const), value: fc.constantFrom('closed', 'verified') }),
  fc.record({ kind: fc.constant('move-registered' as const), item, hours: fc.integer({ min: -40, max: 40 }) }),
  fc.record({ kind: fc.constant('drill' as const), item, drill: fc.boolean() }),
  fc.record({ kind: fc.constant('meet' as const), item, clock: fc.constantFrom(...CLOCKS), minutes: fc.option(fc.integer({ min: 0, max: 3000 })) }),
  fc.record({ kind: fc.constant('meet-all' as const), minutes: fc.integer({ min: 0, max: 3000 }) }),
  fc.record({ kind: fc.constant('extend' as const), item, clock: fc.constantFrom(...CLOCKS), hours: fc.option(fc.integer({ min: 1, max: 72 })) }),
  fc.record({ kind: fc.constant('lead' as const), item, unit: fc.constantFrom(...UNITS) }),
  fc.record({ kind: fc.constant('drop-lead' as const), item }),
  fc.record({ kind: fc.constant('extension' as const), item }),
  fc.record({ kind: fc.constant('dispute' as const), item, unit: fc.constantFrom(...UNITS) }),
  fc.record({ kind: fc.constant('undispute' as const), item }),
  fc.record({ kind: fc.constant('consult' as const), item }),
  fc.record({ kind: fc.constant('reopened' as const), item }),
  fc.record({ kind: fc.constant('delete-clock' as const), item, clock: fc.constantFrom(...CLOCKS) }),
  fc.constant({ kind: 'new-item' as const }),
);

async function apply(tx: Sql, ids: number[], change: Change, seq: number): Promise<void> {
  const id = 'item' in change ? ids[change.item % ids.length]! : 0;
  switch (change.kind) {
    case 'item-field':
      await tx`update items set ${tx({ [change.field]: change.value })} where id = ${id}`;
      return;
    case 'items-state':
      await tx`update items set state = ${change.value} where id = any(${ids})`;
      return;
    case 'move-registered':
      await tx`update items set registered_at = registered_at + ${`${change.hours} hours`}::interval where id = ${id}`;
      return;
    case 'drill':
      await tx`update items set drill = ${change.drill} where id = ${id}`;
      return;
    case 'meet':
      await tx`update clocks set met_at = ${change.minutes === null ? null : tx`starts_at + ${`${change.minutes} minutes`}::interval`} where item_id = ${id} and kind = ${change.clock}`;
      return;
    case 'meet-all':
      await tx`update clocks set met_at = starts_at + ${`${change.minutes} minutes`}::interval where item_id = any(${ids}) and met_at is null`;
      return;
    case 'extend':
      await tx`update clocks set extended_due_at = ${change.hours === null ? null : tx`due_at + ${`${change.hours} hours`}::interval`} where item_id = ${id} and kind = ${change.clock}`;
      return;
    case 'lead':
      await tx`update item_units set active = false where item_id = ${id} and role = 'lead'`;
      await tx`insert into item_units (item_id, unit_code, role, active, since) values (${id}, ${change.unit}, 'lead', true, now())
        on conflict (item_id, unit_code, role) do update set active = true`;
      return;
    case 'drop-lead':
      await tx`delete from item_units where item_id = ${id}`;
      return;
    case 'extension':
      await tx`insert into extensions (item_id, clock, previous_due_at, new_due_at, reason, by, at) values (${id}, 'respond', now(), now(), '测试', 'ou_x', now())`;
      return;
    case 'dispute':
      await tx`insert into disputes (item_id, from_unit, reason, by, at) values (${id}, ${change.unit}, '测试', 'ou_x', now())`;
      return;
    case 'undispute':
      await tx`delete from disputes where item_id = ${id}`;
      return;
    case 'consult':
      await tx`insert into consultations (item_id, chat_key, convened_by, convened_at) values (${id}, ${`create-chat:prop:${seq}`}, 'ou_x', now())`;
      return;
    case 'reopened':
      await tx`insert into audit_log (at, actor, action, item_id) values (now(), 'ou_x', 'item.reopened', ${id})`;
      return;
    case 'delete-clock':
      await tx`delete from reminders where item_id = ${id} and clock = ${change.clock}`;
      await tx`delete from clocks where item_id = ${id} and kind = ${change.clock}`;
      return;
    case 'new-item':
      ids.push(await insertItem(tx, `P-${seq}`, ids.length));
      return;
  }
}

async function insertItem(tx: Sql, ref: string, n: number): Promise<number> {
  // Around local midnight, so a moved registration or due time changes day.
  const registered = new Date(Date.UTC(2026, 10, 24, 15, 0) + ((n * 7) % 12) * 1800_000 - 3 * HOUR);
  const [row] = await tx<{ id: number }[]>`
    insert into items (ref, title, source, discovered_at, registered_at, registered_by, category, level, kind, state, drill, version, updated_at)
    values (${ref}, ${`随机 ${ref}`}, 'weibo', ${registered}, ${registered}, 'ou_x', 'general', 'general', 'opinion', 'dispatched', false, 1, ${registered})
    returning id::int`;
  const id = row!.id;
  await tx`insert into item_units (item_id, unit_code, role, active, since) values (${id}, ${UNITS[n % UNITS.length]!}, 'lead', true, ${registered})`;
  for (const [i, kind] of CLOCKS.entries()) {
    await tx`insert into clocks (item_id, kind, starts_at, due_at, updated_at)
      values (${id}, ${kind}, ${registered}, ${new Date(registered.getTime() + (i + 1) * 9 * HOUR)}, ${registered})`;
  }
  return id;
}

describe('report rollups under random SQL changes', () => {
  it('equal a rebuild from scratch after any sequence of changes, in one or many transactions', { timeout: 180_000 }, async () => {
    const database = await createTestDatabase();
    const admin = postgres(database.url, { max: 3, onnotice: () => undefined });
    try {
      await admin`insert into units (code, name, role, updated_at) values ('health', '县卫健委', 'unit', now()), ('education', '县教育局', 'unit', now()), ('police', '县公安局', 'unit', now()) on conflict do nothing`;
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(changeArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), async (transactions) => {
          run += 1;
          await admin`truncate items, item_units, clocks, reminders, extensions, disputes, consultations, report_rollup, report_item_contrib cascade`;
          const ids: number[] = [];
          await admin.begin(async (tx) => {
            for (let n = 0; n < 4; n += 1) ids.push(await insertItem(tx as unknown as Sql, `R${run}-${n}`, n));
          });
          let seq = 0;
          for (const changes of transactions) {
            await admin.begin(async (tx) => {
              for (const change of changes) await apply(tx as unknown as Sql, ids, change, (seq += 1) + run * 1000);
            });
            if (seq % 3 === 0) await admin`select yq_report_fold()`;
          }
          expect(await rollupState(admin)).toEqual(await rebuiltState(admin));
          // …and reports from them equal the oracle's, for a week still running and one that ended.
          for (const now of [new Date('2026-11-25T06:00:00Z'), new Date('2026-12-08T06:00:00Z')]) {
            const week = periodContaining('weekly', new Date('2026-11-25T06:00:00Z'), TZ);
            const input = { kind: 'weekly' as const, period: week, previous: previousPeriod(week, TZ), trendPeriods: [week], scope: {}, now, tz: TZ };
            expect(await reportAggregates(database.db, input)).toEqual(await directReportAggregates(database.db, input));
          }
        }),
        { seed: SEED, numRuns: 60 },
      );
    } finally {
      await admin.end({ timeout: 5 });
      await database.drop();
    }
  });

  it('count an item changed by two transactions committing at once exactly once', async () => {
    const database = await createTestDatabase();
    const [one, two, watcher] = [1, 2, 3].map(() => postgres(database.url, { max: 1, onnotice: () => undefined })) as [Sql, Sql, Sql];
    try {
      await one`insert into units (code, name, role, updated_at) values ('health', '县卫健委', 'unit', now()), ('education', '县教育局', 'unit', now()), ('police', '县公安局', 'unit', now()) on conflict do nothing`;
      const id = await one.begin((tx) => insertItem(tx as unknown as Sql, 'C-1', 0));
      for (const unit of ['education', 'police']) {
        let release!: () => void;
        const mayCommit = new Promise<void>((resolve) => (release = resolve));
        let held!: () => void;
        const isHeld = new Promise<void>((resolve) => (held = resolve));
        // The first is caught in its commit: it holds the item's rollup row as its refresh does.
        // Neither takes the item's row lock, so only the rollups' own lock orders them.
        const first = one.begin(async (tx) => {
          await tx`update item_units set active = false where item_id = ${id}`;
          await tx`insert into item_units (item_id, unit_code, role, active, since) values (${id}, ${unit}, 'lead', true, now())
            on conflict (item_id, unit_code, role) do update set active = true`;
          await tx`select yq_report_refresh(${id})`;
          held();
          await mayCommit;
        });
        await isHeld;
        const second = two.begin(async (tx) => {
          await tx`update clocks set met_at = starts_at + interval '90 minutes' where item_id = ${id} and kind = 'ack'`;
          await tx`update clocks set extended_due_at = due_at + interval '5 hours' where item_id = ${id} and kind = 'verify'`;
        });
        // The second commits meanwhile and has to wait for the first's row.
        for (let tries = 0; tries < 200; tries += 1) {
          const [waiting] = await watcher<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`;
          if (waiting!.n > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        release();
        await Promise.all([first, second]);
        expect(await rollupState(one)).toEqual(await rebuiltState(one));
        await one`update clocks set met_at = null, extended_due_at = null where item_id = ${id}`;
      }
      expect((await rollupState(one)).filter((line) => line.includes(' police items:'))).toHaveLength(1);
    } finally {
      await Promise.all([one, two, watcher].map((client) => client.end({ timeout: 5 })));
      await database.drop();
    }
  });

  it('are rebuilt in a new zone when the county changes its zone', async () => {
    const database = await createTestDatabase();
    const admin = postgres(database.url, { max: 2, onnotice: () => undefined });
    try {
      await admin`insert into units (code, name, role, updated_at) values ('health', '县卫健委', 'unit', now()), ('education', '县教育局', 'unit', now()), ('police', '县公安局', 'unit', now()) on conflict do nothing`;
      // 2026-11-24 23:30 in Shanghai is still the 24th at 15:30 in UTC, but 00:30 on the 25th in Tokyo.
      await admin.begin((tx) => insertItem(tx as unknown as Sql, 'Z-1', 1));
      const [registered] = await admin<{ at: Date }[]>`select registered_at as at from items`;
      expect(registered!.at.toISOString()).toBe('2026-11-24T15:30:00.000Z');
      const days = async () => (await admin<{ day: string }[]>`select distinct to_char(day, 'YYYY-MM-DD') as day from report_rollup where metric = 'items'`).map((r) => r.day);
      expect(await days()).toEqual(['2026-11-24']);
      const drizzleDb = database.db;
      {
        expect(await ensureReportZone(drizzleDb, 'Asia/Tokyo')).toBe(true);
        expect(await days()).toEqual(['2026-11-25']);
        expect(await ensureReportZone(drizzleDb, 'Asia/Tokyo')).toBe(false);
        const day = periodContaining('daily', new Date('2026-11-25T03:00:00Z'), 'Asia/Tokyo');
        const input = { kind: 'daily' as const, period: day, trendPeriods: [day], scope: {}, now: new Date('2026-11-26T00:00:00Z'), tz: 'Asia/Tokyo' };
        expect((await reportAggregates(drizzleDb, input)).total).toBe(1);
        await expect(reportAggregates(drizzleDb, { ...input, tz: TZ })).rejects.toThrow(/kept in Asia\/Tokyo/);
        // A lost settings row is written again, not left to the default zone.
        await admin`delete from report_settings`;
        await expect(reportAggregates(drizzleDb, input)).rejects.toThrow(/kept in no zone/);
        expect(await ensureReportZone(drizzleDb, 'Asia/Tokyo')).toBe(true);
        expect(await admin`select id, tz from report_settings`).toEqual([{ id: 1, tz: 'Asia/Tokyo' }]);
        expect(await days()).toEqual(['2026-11-25']);
      }
    } finally {
      await admin.end({ timeout: 5 });
      await database.drop();
    }
  });
});
