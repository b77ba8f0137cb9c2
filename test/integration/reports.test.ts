import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src/domain/policy.js';
import { periodContaining } from '../../src/domain/periods.js';
import { validateCard } from '../../src/lark/card-schema.js';
import { outbox, reportRuns } from '../../src/db/schema/index.js';
import { buildReport, lastFire, runScheduledReports } from '../../src/workflow/reports.js';
import { silentLog } from '../helpers/org.js';
import { useAppHarness } from '../helpers/harness.js';

const AT = new Date('2026-11-27T02:00:00Z'); // Friday 10:00
const TZ = 'Asia/Shanghai';

describe('reports and the ledger', () => {
  const { db, harness, d } = useAppHarness({ at: AT });

  beforeAll(async () => {
    await d.say('ou_news_staff', '/yq new 医院排队\n部门: 卫健委', 'oc_news');
    await d.say('ou_news_staff', '/yq new 学校收费\n部门: 教育局\n级别: 重大', 'oc_news');
    await d.say('ou_news_staff', '/yq new 演练事项\n部门: 卫健委\n演练: 是', 'oc_news');
    await d.say('ou_news_staff', '/yq new 谣言一则\n部门: 卫健委\n类别: 谣言', 'oc_news');
    const first = (await db.db.execute<{ id: number }>(sql`select id from items where ref = 'YQ-20261127-001'`))[0]!;
    harness.clock.set(new Date(AT.getTime() + 30 * 60_000));
    await d.click('ou_health_liaison', { item: Number(first.id), action: 'acknowledge' }, 'oc_health');
    harness.clock.set(new Date(AT.getTime() + 5 * 3600_000)); // 15:00: the others' 认领 is overdue
  });

  it('aggregates a week: drills never count; overdue, notable and the per-unit ledger', async () => {
    const period = periodContaining('weekly', harness.clock.now(), TZ);
    const report = await buildReport(db.db, { period, scope: {}, now: harness.clock.now(), tz: TZ });
    expect(report.view.total).toBe(3);
    expect(report.view.title).toBe('舆情周报 · 2026年11月23日—11月29日');
    expect(report.view.byUnit.map((u) => [u.label, u.count])).toEqual([['县卫健委', 2], ['县教育局', 1]]);
    expect(report.view.overdue.map((o) => [o.ref, o.clockLabel])).toEqual(expect.arrayContaining([['YQ-20261127-002', '认领'], ['YQ-20261127-004', '认领']]));
    expect(report.view.overdue.some((o) => o.ref === 'YQ-20261127-003')).toBe(false); // the drill
    expect(report.view.notable.map((n) => n.ref).sort()).toEqual(['YQ-20261127-002', 'YQ-20261127-004']);
    const health = report.view.ledger.find((l) => l.unitCode === 'health')!;
    expect(health).toMatchObject({ items: 2, overdue: 1, medianAck: '30分钟' });
    expect(validateCard(report.card)).toMatchObject({ ok: true });
    const unit = await buildReport(db.db, { period, scope: { unitCode: 'education', unitName: '县教育局' }, now: harness.clock.now(), tz: TZ });
    expect(unit.view.total).toBe(1);
    expect(unit.view.title).toMatch(/^县教育局舆情周报/);
  });

  it('each scheduled report goes out exactly once, even with replicas racing; a missed one goes out later', async () => {
    expect(lastFire('0 9 * * 1', new Date('2026-11-30T02:00:00Z'), TZ).toISOString()).toBe('2026-11-30T01:00:00.000Z');
    const monday = new Date('2026-11-30T01:30:00Z'); // Monday 09:30: the weekly one is due
    const runs = await Promise.all([1, 2, 3].map(() => runScheduledReports(db.db, { policy: defaultPolicy, tz: TZ, now: monday, log: silentLog })));
    const sent = runs.flat();
    expect(sent.filter((s) => s.startsWith('weekly:'))).toEqual(['weekly:2026年11月23日—11月29日']);
    // October ended before the county's first item (27 November): no empty monthly digest for it.
    expect(sent.filter((s) => s.startsWith('monthly:'))).toEqual([]);
    expect(await runScheduledReports(db.db, { policy: defaultPolicy, tz: TZ, now: new Date(monday.getTime() + 3600_000), log: silentLog })).toEqual([]);
    const rows = await db.db.select().from(reportRuns);
    expect(rows.map((r) => r.kind).sort()).toEqual(['daily', 'weekly']);
    const weekly = await db.db.select().from(outbox).where(sql`key like 'report:weekly:%'`);
    expect(weekly.map((r) => r.lane).sort()).toEqual(['unit:gov_office', 'unit:news', 'unit:propaganda', 'user:ou_vice_wang']);
  });

  it('on demand: the news office gets the county, a liaison their unit, a stranger nothing', async () => {
    const county = await d.say('ou_news_staff', '/舆情 报告 周', 'oc_news');
    expect(county).toContain('舆情周报');
    const own = await d.say('ou_edu_liaison', '/yq report 周', 'oc_p2p_edu', 'p2p');
    expect(own).toContain('县教育局舆情周报');
    expect(await d.say('ou_stranger', '/yq report', 'oc_p2p_x', 'p2p')).toMatch(/^无法执行：/);
    expect(await d.say('ou_news_staff', '/yq report 明年', 'oc_news')).toContain('看不懂这个周期');
  });

  it('export sends two CSV files (BOM, Chinese headers) to the requester in private', async () => {
    const reply = await d.say('ou_news_staff', '/舆情 导出 本周', 'oc_news');
    expect(reply).toBe('已导出 2026年11月23日—11月29日 的 3 条舆情和 4 条办理记录，文件已私聊发给您。');
    const files = await db.db.select().from(outbox).where(sql`kind = 'send_file'`);
    expect(files.map((f) => (f.payload as { fileName: string }).fileName).sort()).toEqual([
      '办理记录_全县_2026年11月23日_11月29日.csv',
      '舆情台账_全县_2026年11月23日_11月29日.csv',
    ]);
    const ledger = Buffer.from((files.find((f) => (f.payload as { fileName: string }).fileName.startsWith('舆情台账'))!.payload as { content: string }).content, 'base64').toString('utf8');
    expect(ledger.startsWith('\uFEFF编号,标题,类别')).toBe(true);
    expect(ledger).toContain('YQ-20261127-002,学校收费');
    expect(ledger).not.toContain('演练事项');
    expect(files.every((f) => f.lane === 'user:ou_news_staff')).toBe(true);
  });
});
