import { and, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { findItemByRef } from '../../src/db/queries/items.js';
import { auditLog, itemCards, outbox } from '../../src/db/schema/index.js';
import { validateCard } from '../../src/lark/card-schema.js';
import { cardsRedrawn } from '../helpers/app.js';
import { useAppHarness } from '../helpers/harness.js';

// Friday 27 November 2026, 10:00 in Asia/Shanghai: a general item's 认领 is due at 12:00.
const AT = new Date('2026-11-27T02:00:00Z');
const MINUTE = 60_000;

describe('a clock passing its due time redraws the item cards', () => {
  const { db, harness, d } = useAppHarness({ at: AT });

  const patchesOf = async (itemId: number) => {
    const copies = await db.db.select().from(itemCards).where(eq(itemCards.itemId, itemId));
    const rows = await db.db.select().from(outbox).where(like(outbox.key, 'patch:%')).orderBy(outbox.id);
    const ids = new Set(copies.map((c) => c.id));
    return rows.filter((row) => ids.has(Number(row.key.split(':')[1]))).map((row) => (row.payload as { card: Record<string, unknown> }).card);
  };
  const overdueAudit = (itemId: number) => db.db.select().from(auditLog).where(and(eq(auditLog.itemId, itemId), eq(auditLog.action, 'item.clock_overdue')));

  it('every copy says 已超时 once the due reminder goes out; a clock met in time changes nothing', async () => {
    await d.say('ou_news_staff', '/yq new 医院停车收费乱\n部门: 卫健委', 'oc_news');
    await d.say('ou_news_staff', '/yq new 学校食堂涨价\n部门: 卫健委', 'oc_news');
    const late = (await findItemByRef(db.db, 'YQ-20261127-001'))!;
    const onTime = (await findItemByRef(db.db, 'YQ-20261127-002'))!;
    harness.clock.set(new Date(AT.getTime() + 110 * MINUTE));
    await d.click('ou_health_liaison', { item: onTime.id, action: 'acknowledge' }, 'oc_health');
    const copies = await db.db.select().from(itemCards).where(eq(itemCards.itemId, late.id));
    expect(copies.length).toBeGreaterThanOrEqual(2); // the news office's and the unit's
    await cardsRedrawn(db.db);
    const before = (await patchesOf(late.id)).length;
    const onTimeBefore = (await patchesOf(onTime.id)).length;

    harness.clock.set(new Date(AT.getTime() + 121 * MINUTE)); // 12:01
    await harness.app.runJobs();
    await cardsRedrawn(db.db);

    const patches = (await patchesOf(late.id)).slice(before);
    expect(patches).toHaveLength(copies.length);
    for (const card of patches) {
      expect(JSON.stringify(card)).toContain('已超时');
      expect(validateCard(card)).toMatchObject({ ok: true });
    }
    expect(await overdueAudit(late.id)).toEqual([expect.objectContaining({ actor: 'system:clock', after: { overdue: ['ack'] } })]);
    // Met before its due time: no audit row, no redraw.
    expect(await overdueAudit(onTime.id)).toEqual([]);
    expect((await patchesOf(onTime.id)).length).toBe(onTimeBefore);

    // The next sweeps (repeats included) do not redraw or audit it again.
    harness.clock.set(new Date(AT.getTime() + 26 * 60 * MINUTE));
    await harness.app.runJobs();
    expect(await overdueAudit(late.id)).toHaveLength(2); // verify (due at 10:00 Saturday) went late too
    expect((await overdueAudit(late.id)).map((row) => row.after)).toEqual([{ overdue: ['ack'] }, { overdue: ['verify'] }]);

    // An extension is a new deadline: the verify clock is no longer late, and is noticed again only
    // when the new due time passes (Monday 10:00); the response clock (Sunday 10:00) meanwhile.
    expect(await d.say('ou_news_staff', '/舆情 延期 YQ-20261127-001 核实 2天 需要调取监控', 'oc_news')).toMatch(/^已将 YQ-20261127-001 的核实时限/);
    harness.clock.set(new Date(AT.getTime() + 50 * 60 * MINUTE)); // Sunday 12:00
    await harness.app.runJobs();
    harness.clock.set(new Date(AT.getTime() + (72 * 60 - 1) * MINUTE)); // Monday 09:59
    await harness.app.runJobs();
    expect((await overdueAudit(late.id)).map((row) => row.after)).toEqual([{ overdue: ['ack'] }, { overdue: ['verify'] }, { overdue: ['respond'] }]);
    harness.clock.set(new Date(AT.getTime() + (72 * 60 + 1) * MINUTE)); // Monday 10:01
    await harness.app.runJobs();
    expect((await overdueAudit(late.id)).map((row) => row.after)).toEqual([{ overdue: ['ack'] }, { overdue: ['verify'] }, { overdue: ['respond'] }, { overdue: ['verify'] }]);
  });
});
