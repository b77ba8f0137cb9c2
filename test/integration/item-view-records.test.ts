import { and, asc, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { readItemViewRecords } from '../../src/db/queries/item-view-records.js';
import { findItemByRef } from '../../src/db/queries/items.js';
import { auditLog, itemCards } from '../../src/db/schema/index.js';
import { cardsRedrawn } from '../helpers/app.js';
import { useAppHarness } from '../helpers/harness.js';

const AT = new Date('2026-11-27T02:00:00Z');

describe("an item's view records, read in one statement", () => {
  const { db, d } = useAppHarness({ at: AT });

  it('are the rows drizzle reads from each table: live copies, audit rows (JSON columns included), no lead', async () => {
    const ref = /YQ-\d{8}-\d{3}/.exec(await d.say('ou_news_staff', '/yq new 医院停车收费乱\n部门: 卫健委, 教育局', 'oc_news'))![0];
    const item = (await findItemByRef(db.db, ref))!;
    await cardsRedrawn(db.db);
    await d.click('ou_health_liaison', { item: item.id, action: 'acknowledge' }, 'oc_health');
    // A moved copy is not live.
    await db.db.update(itemCards).set({ movedAt: AT }).where(and(eq(itemCards.itemId, item.id), eq(itemCards.audience, 'user:ou_edu_lead')));

    const records = await readItemViewRecords(db.db, item.id);
    const cards = await db.db.select().from(itemCards).where(and(eq(itemCards.itemId, item.id), isNull(itemCards.movedAt))).orderBy(asc(itemCards.id));
    const timeline = await db.db.select().from(auditLog).where(eq(auditLog.itemId, item.id)).orderBy(asc(auditLog.at), asc(auditLog.id));
    expect(cards.map((card) => card.audience)).toEqual(['chat:oc_news', 'chat:oc_health', 'user:ou_edu_liaison']);
    expect(records.cards).toEqual(cards);
    expect(timeline.map((row) => row.action)).toEqual(['item.registered', 'item.acknowledged']);
    expect(records.timeline).toEqual(timeline);
    expect(records.timeline[1]!.after).toMatchObject({ state: 'acknowledged' });
    expect(records.lead).toBeUndefined();
    expect(records.assessments).toEqual([]);
  });
});
