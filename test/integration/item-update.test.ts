import { describe, expect, it } from 'vitest';
import { findItemById, findItemByRef, updateItem, type ItemRow } from '../../src/db/queries/items.js';
import { useAppHarness } from '../helpers/harness.js';

const AT = new Date('2026-11-27T02:00:00Z');
const LATER = new Date('2026-11-27T05:30:00Z');

/** updateItem builds one statement per set of changed columns and reuses it with new values. */
describe('an item update', () => {
  const { db, d } = useAppHarness({ at: AT });
  const register = async (title: string): Promise<ItemRow> => {
    const ref = /YQ-\d{8}-\d{3}/.exec(await d.say('ou_news_staff', `/yq new ${title}\n部门: 卫健委`, 'oc_news'))![0];
    return (await findItemByRef(db.db, ref))!;
  };

  it('sets the given columns, bumps the version, leaves undefined ones alone, and takes new values on reuse', async () => {
    const [one, two] = [await register('医院停车收费乱'), await register('菜市场占道经营')];
    const first = await updateItem(db.db, one.id, { state: 'closed', closedAt: AT, updatedAt: AT, summary: undefined });
    expect(first).toMatchObject({ id: one.id, state: 'closed', closedAt: AT, updatedAt: AT, summary: one.summary, version: one.version + 1 });
    // The same columns, another item and other values: the statement built for the first is reused.
    const second = await updateItem(db.db, two.id, { updatedAt: LATER, closedAt: LATER, state: 'closed' });
    expect(second).toMatchObject({ id: two.id, state: 'closed', closedAt: LATER, updatedAt: LATER, version: two.version + 1 });
    expect(await findItemById(db.db, one.id)).toMatchObject({ closedAt: AT, updatedAt: AT });
  });

  it('sets a column to null, and a JSON column to a value', async () => {
    const item = await register('公园路灯不亮');
    await updateItem(db.db, item.id, { closedAt: AT, spread: { views: 10 } });
    const reopened = await updateItem(db.db, item.id, { closedAt: null, spread: { views: 12, reposts: 3 } });
    expect(reopened).toMatchObject({ closedAt: null, spread: { views: 12, reposts: 3 }, version: item.version + 2 });
    // And back: null and a value are two shapes of the same columns.
    expect(await updateItem(db.db, item.id, { closedAt: LATER, spread: null })).toMatchObject({ closedAt: LATER, spread: null });
  });

  it('in the caller\'s transaction: rolled back with it', async () => {
    const item = await register('小区垃圾清运不及时');
    await expect(
      db.db.transaction(async (tx) => {
        expect(await updateItem(tx, item.id, { title: '已改标题' })).toMatchObject({ title: '已改标题' });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await findItemById(db.db, item.id)).toMatchObject({ title: item.title, version: item.version });
  });
});
