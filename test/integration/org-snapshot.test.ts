import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { effectiveChatId, effectiveRoster, findUnit, listActiveUnits, membershipsOf, unitsBoundToChat, unitsWithoutChat } from '../../src/db/queries/organisation.js';
import { orgSnapshot } from '../../src/db/queries/org-snapshot.js';
import { memberships, people, units } from '../../src/db/schema/index.js';
import { bindUnitChatInTx, changeRosterInTx } from '../../src/workflow/organisation.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const AT = new Date('2026-11-27T02:00:00Z');

/** The organisation is read from one copy per process, checked against a generation counter. */
describe('organisation snapshot', () => {
  let test: TestDatabase;
  let other: Database;
  beforeAll(async () => {
    test = await createTestDatabase();
    // A second pool, as another bot process would have (its notices reach its own callback only).
    other = connectDatabase(test.url, { max: 2 });
    await test.db.insert(units).values([
      { code: 'health', name: '县卫健委', role: 'unit', fileChatId: 'oc_health', updatedAt: AT },
      { code: 'news', name: '县委网信办', role: 'news_office', fileChatId: null, updatedAt: AT },
    ]);
    await test.db.insert(people).values([
      { key: 'ou_a', openId: 'ou_a', name: '甲', updatedAt: AT },
      { key: 'ou_b', openId: 'ou_b', name: '乙', updatedAt: AT },
    ]);
    await test.db.insert(memberships).values({ unitCode: 'health', personKey: 'ou_a', role: 'liaison', updatedAt: AT });
  });
  afterAll(async () => {
    await other.close();
    await test.drop();
  });

  it('rows read back as drizzle returns them', async () => {
    const unit = await findUnit(test.db, 'health');
    expect(unit).toEqual((await test.db.select().from(units).where(eq(units.code, 'health')))[0]);
    expect(unit?.updatedAt).toBeInstanceOf(Date);
    expect((await listActiveUnits(test.db)).map((u) => u.code)).toEqual(['health', 'news']);
  });

  it('a change committed elsewhere is seen by the next read', async () => {
    expect((await effectiveRoster(test.db, 'health')).liaison).toEqual(['ou_a']);
    await other.db.transaction((tx) => changeRosterInTx(tx, { unitCode: 'health', personKey: 'ou_b', role: 'liaison', present: true, actor: 'ou_admin', at: AT }));
    expect((await effectiveRoster(test.db, 'health')).liaison).toEqual(['ou_a', 'ou_b']);
    await test.db.transaction(async (tx) => expect((await membershipsOf(tx, 'ou_b')).map((m) => m.unitCode)).toEqual(['health']));
  });

  it('a transaction reads its own writes, made in a savepoint or by plain SQL', async () => {
    await test.db.transaction(async (tx) => {
      expect(await effectiveChatId(tx, 'health')).toBe('oc_health');
      await tx.transaction((savepoint) => bindUnitChatInTx(savepoint, { unitCode: 'health', chatId: 'oc_new', actor: 'ou_admin', at: AT }));
      expect(await effectiveChatId(tx, 'health')).toBe('oc_new');
      expect(await unitsBoundToChat(tx, 'oc_new')).toEqual(['health']);
      await tx.execute(sql`update units set active = false where code = 'news'`);
      expect((await listActiveUnits(tx)).map((u) => u.code)).toEqual(['health']);
      tx.rollback();
    }).catch((error: unknown) => {
      if (!(error instanceof Error) || !/rollback/i.test(error.message)) throw error;
    });
    // Rolled back: nobody sees those writes, though this process loaded a copy holding them.
    expect(await effectiveChatId(test.db, 'health')).toBe('oc_health');
    expect((await listActiveUnits(test.db)).map((u) => u.code)).toEqual(['health', 'news']);
    expect((await unitsWithoutChat(test.db)).map((u) => u.code)).toEqual(['news']);
  });

  it('a savepoint uses its transaction\'s copy; one that wrote and rolled back leaves the transaction reading again', async () => {
    await test.db.transaction(async (tx) => {
      const copy = orgSnapshot(tx);
      await tx.transaction(async (savepoint) => expect(orgSnapshot(savepoint)).toBe(copy));
      await tx
        .transaction(async (savepoint) => {
          await bindUnitChatInTx(savepoint, { unitCode: 'health', chatId: 'oc_rolled_back', actor: 'ou_admin', at: AT });
          expect(await effectiveChatId(savepoint, 'health')).toBe('oc_rolled_back');
          savepoint.rollback();
        })
        .catch((error: unknown) => {
          if (!(error instanceof Error) || !/rollback/i.test(error.message)) throw error;
        });
      expect(orgSnapshot(tx)).not.toBe(copy);
      expect(await effectiveChatId(tx, 'health')).toBe('oc_health');
    });
  });

  it('two databases cloned from one template, with the same counter, are not mistaken for each other', async () => {
    const twin = await createTestDatabase();
    try {
      // As many organisation writes as the first database had before its first read: same counter.
      await twin.db.insert(units).values([{ code: 'health', name: '双胞胎卫健委', role: 'unit', fileChatId: 'oc_twin', updatedAt: AT }]);
      await twin.db.insert(people).values([{ key: 'ou_t', openId: 'ou_t', name: '丙', updatedAt: AT }]);
      await twin.db.insert(memberships).values({ unitCode: 'health', personKey: 'ou_t', role: 'liaison', updatedAt: AT });
      const fresh = await createTestDatabase();
      try {
        await fresh.db.insert(units).values([{ code: 'health', name: '县卫健委', role: 'unit', fileChatId: 'oc_health', updatedAt: AT }]);
        await fresh.db.insert(people).values([{ key: 'ou_a', openId: 'ou_a', name: '甲', updatedAt: AT }]);
        await fresh.db.insert(memberships).values({ unitCode: 'health', personKey: 'ou_a', role: 'liaison', updatedAt: AT });
        const [a, b] = [await orgSnapshot(fresh.db), await orgSnapshot(twin.db)];
        expect(a.generation.split('@')[0]).toBe(b.generation.split('@')[0]);
        expect((await findUnit(twin.db, 'health'))?.name).toBe('双胞胎卫健委');
        expect((await findUnit(fresh.db, 'health'))?.name).toBe('县卫健委');
        expect((await effectiveRoster(twin.db, 'health')).liaison).toEqual(['ou_t']);
      } finally {
        await fresh.drop();
      }
    } finally {
      await twin.drop();
    }
  });

  it('a write by another process, which raises no notice here, is seen by the next transaction', async () => {
    // No notice reaches this process's callback when the write comes from a plain client.
    const generation = (await orgSnapshot(test.db)).generation;
    const { default: postgres } = await import('postgres');
    const plain = postgres(test.url, { max: 1, onnotice: () => undefined });
    await plain`update units set name = '县卫生健康委员会' where code = 'health'`;
    await plain.end();
    await test.db.transaction(async (tx) => {
      expect((await findUnit(tx, 'health'))?.name).toBe('县卫生健康委员会');
      expect((await orgSnapshot(tx)).generation).not.toBe(generation);
    });
  });
});
