import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { periodContaining } from '../../src/domain/periods.js';
import { outbox } from '../../src/db/schema/index.js';
import { buildReport } from '../../src/workflow/reports.js';
import { useAppHarness } from '../helpers/harness.js';

const TZ = 'Asia/Shanghai';
// Sunday 29 November 2026, 23:00 local.
const SUNDAY_NIGHT = new Date('2026-11-29T15:00:00Z');
const MONDAY_0730 = new Date('2026-11-29T23:30:00Z');

/** RFC 4180, enough for our own exports: quoted cells, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  return rows;
}

describe('report maths on fixed fixtures', () => {
  const { db, harness, d } = useAppHarness({ at: SUNDAY_NIGHT });
  const week = (at: Date) => buildReport(db.db, { period: periodContaining('weekly', at, TZ), scope: {}, now: harness.clock.now(), tz: TZ });

  beforeAll(async () => {
    await d.say('ou_news_staff', '/yq new 周日晚上的事项\n部门: 卫健委', 'oc_news');
    harness.clock.set(MONDAY_0730);
    await d.say('ou_news_staff', '/yq new =HYPERLINK("x") 周一早上的事项\n部门: 卫健委', 'oc_news');
  });

  it('an empty period is empty, not an error', async () => {
    const report = await week(new Date('2026-11-10T04:00:00Z'));
    expect(report.view.total).toBe(0);
    expect(report.view.byUnit).toEqual([]);
  });

  it('an item registered Monday 07:30 local belongs to the new week, the Sunday one to the old', async () => {
    expect((await week(SUNDAY_NIGHT)).view.total).toBe(1);
    expect((await week(MONDAY_0730)).view.total).toBe(1);
    expect((await week(MONDAY_0730)).view.change.previous).toBe(1);
  });

  it('an extended clock is counted against its extension; a reopened item is counted once', async () => {
    const ref = 'YQ-20261130-001';
    // Extend 认领 by 2 h, acknowledge after the original due (09:30) but before the extension (11:30).
    await d.say('ou_news_staff', `/yq extend ${ref} 认领 2小时 单位在开会`, 'oc_news');
    const id = Number((await db.db.execute<{ id: number }>(sql`select id from items where ref = ${ref}`))[0]!.id);
    harness.clock.set(new Date(MONDAY_0730.getTime() + 3 * 3600_000)); // 10:30
    await d.click('ou_health_liaison', { item: id, action: 'acknowledge' }, 'oc_health');
    await d.say('ou_news_staff', `/yq close ${ref}`, 'oc_news');
    await d.say('ou_news_staff', `/yq reopen ${ref}`, 'oc_news');
    const report = await week(MONDAY_0730);
    expect(report.view.total).toBe(1);
    const ack = report.view.clocks.find((c) => c.kind === 'ack')!;
    expect(ack).toMatchObject({ total: 1, metOnTime: 1, metLate: 0, extended: 1 });
    expect(report.view.notable.map((n) => [n.ref, n.reasons])).toEqual([[ref, ['reopened']]]);
  });

  it('the export round-trips through a CSV parser with the same rows and Chinese text; a formula title is escaped', async () => {
    await d.say('ou_news_staff', '/舆情 导出 本周', 'oc_news');
    const [file] = await db.db.select().from(outbox).where(sql`kind = 'send_file' and payload->>'fileName' like '舆情台账%'`);
    const text = Buffer.from((file!.payload as { content: string }).content, 'base64').toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]!.slice(0, 3)).toEqual(['编号', '标题', '类别']);
    expect(rows).toHaveLength(2);
    expect(rows[1]![0]).toBe('YQ-20261130-001');
    expect(rows[1]![1]).toBe(`'=HYPERLINK("x") 周一早上的事项`);
    expect(rows[1]![7]).toBe('县卫健委');
  });

  it('a special report goes to the chosen leaders in private', async () => {
    const reply = await d.say('ou_news_staff', '/舆情 专报 YQ-20261130-001', 'oc_news');
    expect(reply).toBe('YQ-20261130-001 的舆情专报已私聊报送 3 位领导。');
    const sent = await db.db.select().from(outbox).where(sql`key like 'special:%'`);
    expect(sent.map((r) => r.lane).sort()).toEqual(['user:ou_gov_lead', 'user:ou_prop_lead', 'user:ou_vice_wang']);
    expect(JSON.stringify(sent[0]!.payload)).toContain('舆情专报');
    expect(await d.say('ou_health_liaison', '/舆情 专报 YQ-20261130-001', 'oc_health')).toMatch(/^无法执行：/);
  });
});
