import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { findItemByRef } from '../../src/db/queries/items.js';
import { auditLog, clocks, outbox } from '../../src/db/schema/index.js';
import { eventually } from '../helpers/app.js';
import { TEST_ORG_YAML } from '../helpers/org.js';
import { useAppHarness } from '../helpers/harness.js';

/**
 * DESIGN.md §1a: in working-day mode, a clock that reaches past the calendar data's last year
 * (the shipped file ends with 2026) is counted from weekends only, and the admins are warned once.
 */

// Monday 28 December 2026, 10:00 in Asia/Shanghai.
const AT = new Date('2026-12-28T02:00:00Z');
const DAY = 86_400_000;
const WARNING =
  '工作日历数据只到2026年，之后按周末计算；请补充2027年官方节假日安排（见 README 的 CALENDAR_FILE）。\n首次涉及：YQ-20261230-001「市民热线咨询 2」。';

describe('the working-day calendar running out', () => {
  const { db, lark, harness, d } = useAppHarness({ at: AT, orgYaml: `${TEST_ORG_YAML}policy:\n  calendar: working_days\n` });
  let n = 0;

  /** An inquiry verified 属实 gets the answer clock: the same time on the 3rd working day. */
  const answeredInquiry = async (at: Date) => {
    harness.clock.set(at);
    n += 1;
    const reply = await d.say('ou_news_staff', `/yq new 市民热线咨询 ${n}\n类型: 咨询投诉\n部门: 卫健委`, `oc_cal_${n}`, 'p2p');
    const ref = /^已登记 (YQ-\d{8}-\d{3})/.exec(reply)![1]!;
    const item = (await findItemByRef(db.db, ref))!;
    await d.click('ou_health_liaison', { item: item.id, action: 'acknowledge' }, 'oc_health');
    await d.click('ou_health_liaison', { item: item.id, action: 'verify_submit' }, 'oc_health', { formValue: { outcome: 'true', findings: '属实', rectification: 'no' } });
    const [answer] = await db.db.select().from(clocks).where(and(eq(clocks.itemId, item.id), eq(clocks.kind, 'answer')));
    return { item, answer: answer! };
  };
  const warnings = () => db.db.select().from(outbox).where(sql`${outbox.key} like 'calendar-beyond:%'`);
  const audits = () => db.db.select().from(auditLog).where(eq(auditLog.action, 'calendar.beyond_data_warned'));

  it('a clock within the data warns nobody', async () => {
    // Tue 29, Wed 30, Thu 31 December: all inside 2026.
    const { answer } = await answeredInquiry(AT);
    expect(answer).toMatchObject({ dueAt: new Date('2026-12-31T02:00:00Z'), beyondCalendar: false });
    expect(await warnings()).toEqual([]);
    expect(await audits()).toEqual([]);
  });

  it('the first clock past the data sends the admins one warning, with an audit row', async () => {
    // From Wed 30 December: Thu 31, then Fri 1 and Mon 4 January 2027, counted from weekends only.
    const { item, answer } = await answeredInquiry(new Date(AT.getTime() + 2 * DAY));
    expect(answer).toMatchObject({ dueAt: new Date('2027-01-04T02:00:00Z'), beyondCalendar: true });
    const rows = await warnings();
    expect(rows.map((row) => [row.key, row.kind, row.target])).toEqual([['calendar-beyond:2026', 'send', { admins: true }]]);
    expect((rows[0]!.payload as { message: { text: string } }).message.text).toBe(WARNING);
    expect((await audits()).map((row) => [row.actor, row.itemId, row.subject, row.after])).toEqual([
      ['system:calendar', item.id, 'calendar:2026', { lastYear: 2026, outboxKey: 'calendar-beyond:2026', item: item.ref }],
    ]);
    // It reaches the admin in private.
    const sent = await eventually(() => {
      const found = lark.messages.find((m) => m.receiveId === 'ou_admin' && d.text(m) === WARNING);
      if (!found) throw new Error('no warning sent to ou_admin');
      return found;
    });
    expect(sent.receiveIdType).toBe('open_id');
  });

  it('never again for the same last year: later clocks and later changes add nothing', async () => {
    const { answer } = await answeredInquiry(new Date(AT.getTime() + 3 * DAY));
    expect(answer.beyondCalendar).toBe(true);
    // Another change to an item already past the data syncs its clocks again.
    const first = (await findItemByRef(db.db, 'YQ-20261230-001'))!;
    expect(await d.say('ou_news_staff', `/舆情 延期 ${first.ref} 答复 1天 等待材料`, 'oc_news')).toMatch(/^已将/);
    expect(await warnings()).toHaveLength(1);
    expect(await audits()).toHaveLength(1);
    expect(lark.messages.filter((m) => m.receiveId === 'ou_admin' && d.text(m).startsWith('工作日历数据只到'))).toHaveLength(1);
  });
});
