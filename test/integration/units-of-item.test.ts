import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { findItemByRef, setItemUnits, unitsOfItem, unitsOfItems } from '../../src/db/queries/items.js';
import { itemUnits } from '../../src/db/schema/index.js';
import { useAppHarness } from '../helpers/harness.js';

const AT = new Date('2026-11-27T02:00:00Z');

describe("an item's units, read once per transaction", () => {
  const { db, d } = useAppHarness({ at: AT });

  it('a second read in a transaction is the first one; a write of the units in it, or in a savepoint, is seen', async () => {
    await d.say('ou_news_staff', '/yq new 医院停车收费乱\n部门: 卫健委, 教育局', 'oc_news');
    const item = (await findItemByRef(db.db, 'YQ-20261127-001'))!;
    const committedElsewhere = () => db.db.update(itemUnits).set({ active: false }).where(eq(itemUnits.unitCode, 'education'));

    await db.db.transaction(async (tx) => {
      expect(await unitsOfItem(tx, item.id)).toEqual({ lead: 'health', cooperating: ['education'] });
      // Committed by another connection: read committed would see it; the transaction's read is kept.
      await committedElsewhere();
      expect(await unitsOfItem(tx, item.id)).toEqual({ lead: 'health', cooperating: ['education'] });
      // Outside the transaction there is no memo.
      expect(await unitsOfItem(db.db, item.id)).toEqual({ lead: 'health', cooperating: [] });

      await setItemUnits(tx, item.id, { lead: 'education', cooperating: ['health'] }, AT);
      expect(await unitsOfItem(tx, item.id)).toEqual({ lead: 'education', cooperating: ['health'] });

      // A savepoint that changes them and rolls back: the transaction reads them again.
      await tx
        .transaction(async (sp) => {
          await setItemUnits(sp, item.id, { lead: 'health', cooperating: [] }, AT);
          expect(await unitsOfItem(sp, item.id)).toEqual({ lead: 'health', cooperating: [] });
          throw new Error('roll back');
        })
        .catch(() => undefined);
      expect(await unitsOfItem(tx, item.id)).toEqual({ lead: 'education', cooperating: ['health'] });
      tx.rollback();
    }).catch((error: unknown) => expect(String(error)).toMatch(/Rollback/));
    const [row] = await db.db.execute<{ n: number }>(sql`select count(*)::int as n from item_units where active`);
    expect(row?.n).toBe(1);
  });

  it('many items\' units in one read (the list): each item as unitsOfItem reads it, an item without units empty', async () => {
    await d.say('ou_news_staff', '/yq new 学校食堂饭菜差\n部门: 教育局, 卫健委, 公安局', 'oc_news');
    await d.say('ou_news_staff', '/yq new 路灯不亮\n部门: 公安局', 'oc_news');
    const [first, second, third] = await Promise.all(['YQ-20261127-001', 'YQ-20261127-002', 'YQ-20261127-003'].map(async (ref) => (await findItemByRef(db.db, ref))!));
    await setItemUnits(db.db, third!.id, { cooperating: [] }, AT);
    const many = await unitsOfItems(db.db, [third!.id, second!.id, first!.id, 999_999]);
    expect([...many.keys()]).toEqual([third!.id, second!.id, first!.id, 999_999]);
    expect(many.get(second!.id)).toEqual({ lead: 'education', cooperating: ['health', 'police'] });
    for (const item of [first!, second!, third!]) expect(many.get(item.id)).toEqual(await unitsOfItem(db.db, item.id));
    expect(many.get(third!.id)).toEqual({ lead: undefined, cooperating: [] });
    expect(many.get(999_999)).toEqual({ lead: undefined, cooperating: [] });
    expect((await unitsOfItems(db.db, [])).size).toBe(0);
  });
});
