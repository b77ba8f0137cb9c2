import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { findItemByRef } from '../../src/db/queries/items.js';
import { clocks, extensions, outbox, reminders } from '../../src/db/schema/index.js';
import { sweepReminders, type SweepDeps } from '../../src/scheduler/reminder-sweep.js';
import { overdueIndex, reminderSchedule } from '../../src/domain/ladder.js';
import { silentLog } from '../helpers/org.js';
import { useAppHarness, withAppHarness } from '../helpers/harness.js';

// Friday 27 November 2026, 10:00 in Asia/Shanghai.
const AT = new Date('2026-11-27T02:00:00Z');
const HOUR = 3600_000;

describe('reminders: derived from clocks and the ladder, swept once', () => {
  const { db, harness, d } = useAppHarness({ at: AT });
  const at = (offsetMs: number) => harness.clock.set(new Date(AT.getTime() + offsetMs));
  const sweep = (extra: Partial<SweepDeps> = {}) => sweepReminders({ db: db.db, clock: harness.clock, log: silentLog, tz: 'Asia/Shanghai', policy: harness.app.org.org.policy, ...extra });
  const queuedTexts = async () =>
    (await db.db.select().from(outbox).where(sql`key like 'reminder:%'`).orderBy(outbox.id)).map((row) => ({
      kind: row.kind,
      lane: row.lane,
      text: (row.payload as { message: { text: string } }).message.text,
    }));
  const rowsOf = async (itemId: number, clock: string) =>
    db.db.select().from(reminders).where(and(eq(reminders.itemId, itemId), eq(reminders.clock, clock))).orderBy(reminders.dueAt, reminders.id);
  const pendingRepeats = async (itemId: number) => (await rowsOf(itemId, 'ack')).filter((r) => r.status === 'pending' && (overdueIndex(r.step) ?? 0) > 0);

  it('registration writes the clocks and the ladder as rows', async () => {
    await d.say('ou_news_staff', '/yq new 医院停车收费乱\n部门: 卫健委', 'oc_news');
    const item = (await findItemByRef(db.db, 'YQ-20261127-001'))!;
    const clockRows = await db.db.select().from(clocks).where(eq(clocks.itemId, item.id)).orderBy(clocks.kind);
    expect(clockRows.map((c) => [c.kind, c.dueAt.toISOString()])).toEqual([
      ['ack', '2026-11-27T04:00:00.000Z'],
      ['respond', '2026-11-29T02:00:00.000Z'],
      ['verify', '2026-11-28T02:00:00.000Z'],
    ]);
    const ack = await rowsOf(item.id, 'ack');
    expect(ack.filter((r) => r.status === 'pending').slice(0, 4).map((r) => [r.step, r.dueAt.toISOString()])).toEqual([
      ['half', '2026-11-27T03:00:00.000Z'],
      ['due_soon', '2026-11-27T03:30:00.000Z'],
      ['due', '2026-11-27T04:00:00.000Z'],
      ['overdue', '2026-11-27T04:00:00.000Z'],
    ]);
  });

  it('sends each step once, when due, as a reply to the card with @mentions; nothing early', async () => {
    at(HOUR - 60_000);
    expect(await sweep()).toEqual({ sent: 0, messages: 0 });
    at(HOUR);
    expect(await sweep()).toMatchObject({ sent: 1 });
    expect(await sweep()).toEqual({ sent: 0, messages: 0 });
    const [half] = await queuedTexts();
    expect(half).toMatchObject({ kind: 'reply', lane: 'chat:oc_health' });
    expect(half!.text).toBe('<at user_id="ou_health_liaison"></at> 【过半提醒】YQ-20261127-001「医院停车收费乱」认领将于 11月27日 12:00 到期（还剩 1小时）。请尽快认领。');
  });

  it('acknowledging stops the ack clock: its pending reminders are cancelled in the same transaction', async () => {
    const item = (await findItemByRef(db.db, 'YQ-20261127-001'))!;
    await d.click('ou_health_liaison', { item: item.id, action: 'acknowledge' }, 'oc_health');
    const ack = await rowsOf(item.id, 'ack');
    expect(ack.filter((r) => r.status === 'pending')).toEqual([]);
    expect(ack.filter((r) => r.status === 'sent').map((r) => r.step)).toEqual(['half']);
    at(3 * HOUR);
    await sweep();
    expect((await queuedTexts()).filter((m) => m.text.includes('认领'))).toHaveLength(1);
  });

  it('an extension moves the verify clock and its ladder; the ledger keeps both times', async () => {
    const reply = await d.say('ou_news_staff', '/舆情 延期 YQ-20261127-001 核实 24小时 需要调取监控', 'oc_news');
    expect(reply).toBe('已将 YQ-20261127-001 的核实时限从 11月28日 10:00 延至 11月29日 10:00（原定 11月28日 10:00）。理由：需要调取监控');
    const item = (await findItemByRef(db.db, 'YQ-20261127-001'))!;
    const [verify] = await db.db.select().from(clocks).where(and(eq(clocks.itemId, item.id), eq(clocks.kind, 'verify')));
    expect(verify).toMatchObject({ dueAt: new Date('2026-11-28T02:00:00Z'), extendedDueAt: new Date('2026-11-29T02:00:00Z') });
    expect(await db.db.select().from(extensions)).toHaveLength(1);
    const pending = (await rowsOf(item.id, 'verify')).filter((r) => r.status === 'pending');
    expect(pending.every((r) => r.clockDueAt.toISOString() === '2026-11-29T02:00:00.000Z')).toBe(true);
    expect(await d.say('ou_health_liaison', '/舆情 延期 YQ-20261127-001 核实 1天 想多要一天', 'oc_health')).toMatch(/^无法执行：只有县新闻办可以/);
  });

  it('overdue escalates to the overseeing county leader in private; several at once collapse into one message', async () => {
    await d.say('ou_news_staff', '/yq new 学校食堂问题\n部门: 卫健委', 'oc_news');
    await d.say('ou_news_staff', '/yq new 医院收费问题\n部门: 卫健委', 'oc_news');
    const before = (await queuedTexts()).length;
    at(6 * HOUR); // both new items: ack (2 h) overdue since 13:00, one sweep
    await sweep();
    const fresh = (await queuedTexts()).slice(before);
    const toLeader = fresh.filter((m) => m.lane === 'user:ou_vice_wang');
    expect(toLeader).toHaveLength(1);
    expect(toLeader[0]!.text).toMatch(/^以下 2 项时限提醒：/);
    expect(toLeader[0]!.text).toContain('YQ-20261127-002');
    expect(toLeader[0]!.text).toContain('YQ-20261127-003');
    // Registered long ago relative to now: only the latest step per clock went out, not half and due-soon too.
    expect(fresh.some((m) => m.text.includes('过半提醒') && m.text.includes('YQ-20261127-002'))).toBe(false);
  });

  it('two sweepers at once send every reminder exactly once', async () => {
    await d.say('ou_news_staff', '/yq new 并发提醒测试\n部门: 卫健委', 'oc_news');
    const item = (await findItemByRef(db.db, 'YQ-20261127-004'))!;
    at(7 * HOUR);
    const results = await Promise.all([sweep(), sweep(), sweep()]);
    const sent = results.reduce((n, r) => n + r.sent, 0);
    const sentNow = await db.db.select().from(reminders).where(eq(reminders.sentAt, new Date(AT.getTime() + 7 * HOUR)));
    expect(sentNow.some((r) => r.itemId === item.id)).toBe(true);
    // Each row claimed by exactly one sweeper: the three counts add up to the rows marked sent.
    expect(sent).toBe(sentNow.length);
    expect(sentNow.every((r) => r.attempts === 1)).toBe(true);
  });

  it('an overdue clock keeps only its next repeat as a row; each repeat sent writes the following one', async () => {
    await d.say('ou_news_staff', '/yq new 长期超时测试\n部门: 卫健委', 'oc_news'); // Fri 17:00, ack due 19:00
    const item = (await findItemByRef(db.db, 'YQ-20261127-005'))!;
    expect((await rowsOf(item.id, 'ack')).map((r) => r.step)).toEqual(['half', 'due_soon', 'due', 'overdue', 'overdue_repeat_1']);
    const [clock] = await db.db.select().from(clocks).where(and(eq(clocks.itemId, item.id), eq(clocks.kind, 'ack')));
    // The whole ladder, as the old code stored it, to check the one stored row against.
    const whole = reminderSchedule({ start: clock!.startsAt, due: clock!.dueAt }, { level: 'general', policy: harness.app.org.org.policy, tz: 'Asia/Shanghai', horizon: new Date(AT.getTime() + 90 * 24 * HOUR) });
    const nextRepeat = (now: number) => whole.find((s) => (overdueIndex(s.step) ?? 0) > 0 && s.at.getTime() > now)!;
    for (let day = 1; day <= 8; day += 1) {
      at(7 * HOUR + day * 24 * HOUR);
      await sweep();
      const now = harness.clock.now().getTime();
      const pending = await pendingRepeats(item.id);
      expect(pending.map((r) => [r.step, r.dueAt.toISOString()])).toEqual([[nextRepeat(now).step, nextRepeat(now).at.toISOString()]]);
    }
    // Eight daily sweeps sent at most one row a day: the table grows by what is sent, not by a horizon.
    expect((await rowsOf(item.id, 'ack')).length).toBeLessThanOrEqual(5 + 8);
    // Down for three weeks: one catch-up message for the clock, then the ladder's next repeat.
    at(7 * HOUR + 30 * 24 * HOUR);
    await sweep();
    const now = harness.clock.now();
    expect((await rowsOf(item.id, 'ack')).filter((r) => r.sentAt?.getTime() === now.getTime())).toHaveLength(1);
    expect((await pendingRepeats(item.id)).map((r) => r.step)).toEqual([nextRepeat(now.getTime()).step]);
  });

  it('a clock stopped while the sweeper is sending its overdue step cancels the repeat the sweeper adds', async () => {
    const item = (await findItemByRef(db.db, 'YQ-20261127-005'))!;
    const [due] = await pendingRepeats(item.id);
    harness.clock.set(due!.dueAt);
    let release!: () => void;
    let claimed!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const isClaimed = new Promise<void>((resolve) => (claimed = resolve));
    const sweeping = sweep({ afterClaim: async () => { claimed(); await held; } });
    await isClaimed;
    // The click waits for the sweeper's hold on the item; give it time to get there.
    const clicking = d.click('ou_health_liaison', { item: item.id, action: 'acknowledge' }, 'oc_health');
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await Promise.all([sweeping, clicking]);
    const ack = await rowsOf(item.id, 'ack');
    expect(ack.find((r) => r.id === due!.id)!.status).toBe('sent');
    // The sweeper did write the following repeat, and the click saw it and cancelled it.
    expect(ack.filter((r) => r.status === 'cancelled' && (overdueIndex(r.step) ?? 0) > (overdueIndex(due!.step) ?? 0))).toHaveLength(1);
    expect(ack.filter((r) => r.status === 'pending')).toEqual([]);
  });
});

describe('the watch after a response', () => {
  it('after a catch-up for missed days, a change to the item does not bring the missed repeats back', async () => {
    await withAppHarness({ at: AT }, async ({ db: db2, d: dd, harness: h }) => {
      await dd.say('ou_news_staff', '/yq new 停机补发测试\n部门: 卫健委', 'oc_news');
      const item = (await findItemByRef(db2.db, 'YQ-20261127-001'))!;
      const sweep2 = () => sweepReminders({ db: db2.db, clock: h.clock, log: silentLog, tz: 'Asia/Shanghai', policy: h.app.org.org.policy });
      // Down from Friday 10:00 to Monday 08:59: one catch-up per clock.
      h.clock.set(new Date('2026-11-30T00:59:00Z'));
      expect(await sweep2()).toMatchObject({ sent: 3 });
      // Any change re-derives the ladder (here an extension of the response clock, by a day).
      expect(await dd.say('ou_news_staff', '/舆情 延期 YQ-20261127-001 回应 1天 等待调查结论', 'oc_news')).toMatch(/^已将 YQ-20261127-001 的回应时限/);
      h.clock.set(new Date('2026-11-30T01:00:30Z'));
      // Nothing the catch-up stood for goes out again; only the extended clock's own steps may.
      const again = await db2.db.select().from(reminders).where(and(eq(reminders.itemId, item.id), eq(reminders.status, 'pending'), sql`due_at <= '2026-11-30T01:00:30Z'`));
      expect(again.filter((r) => r.clock !== 'respond')).toEqual([]);
      const sent = await sweep2();
      const late = await db2.db.select().from(reminders).where(and(eq(reminders.itemId, item.id), sql`sent_at = '2026-11-30T01:00:30Z'`));
      expect(late.every((r) => r.clock === 'respond')).toBe(true);
      expect(sent.sent).toBe(late.length);
    });
  });

  it('ends by itself after the watch period, closing the item', async () => {
    const { finishWatches } = await import('../../src/scheduler/watch.js');
    await withAppHarness({ at: AT }, async ({ db: db2, d: dd }) => {
      await dd.say('ou_news_staff', '/yq new 跟踪期测试\n部门: 卫健委', 'oc_news');
      const item = (await findItemByRef(db2.db, 'YQ-20261127-001'))!;
      await dd.click('ou_news_staff', { item: item.id, action: 'publication_submit' }, 'oc_news', {
        formValue: { channel: 'weibo', published_at: '2026-11-27 10:00 +0800', override_reason: '先行发布' },
      });
      expect((await findItemByRef(db2.db, item.ref))!.state).toBe('watching');
      const policy = (await import('../../src/domain/policy.js')).defaultPolicy;
      const view = (now: Date) => ({ tz: 'Asia/Shanghai', policy, now });
      expect(await finishWatches(db2.db, view(new Date(AT.getTime() + 6 * 86_400_000)), silentLog)).toBe(0);
      expect(await finishWatches(db2.db, view(new Date(AT.getTime() + 7 * 86_400_000)), silentLog)).toBe(1);
      expect((await findItemByRef(db2.db, item.ref))!.state).toBe('closed');
    });
  });
});
