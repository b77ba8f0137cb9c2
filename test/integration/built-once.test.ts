import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtOnce } from '../../src/db/built-once.js';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { units } from '../../src/db/schema/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const AT = new Date('2026-11-28T02:00:00Z');

describe('a statement built once runs on the database or transaction it is given', () => {
  let test: TestDatabase;
  let app: Database;
  let builds = 0;
  const unitByCode = builtOnce((db) => {
    builds += 1;
    return db.select({ code: units.code, name: units.name }).from(units).where(eq(units.code, sql.placeholder('code')));
  });

  beforeAll(async () => {
    test = await createTestDatabase();
    app = connectDatabase(test.url, { max: 2 });
    await app.db.insert(units).values({ code: 'bo_a', name: '甲局', role: 'unit', updatedAt: AT });
  });
  afterAll(async () => {
    await app.close();
    await test.drop();
  });

  it('with new values each time, inside a transaction and a savepoint, seeing their uncommitted rows', async () => {
    expect(await unitByCode(app.db, { code: 'bo_a' })).toEqual([{ code: 'bo_a', name: '甲局' }]);
    expect(await unitByCode(app.db, { code: 'bo_b' })).toEqual([]);
    const rolledBack = new Error('roll back');
    await expect(
      app.db.transaction(async (tx) => {
        await tx.insert(units).values({ code: 'bo_b', name: '乙局', role: 'unit', updatedAt: AT });
        expect(await unitByCode(tx, { code: 'bo_b' })).toEqual([{ code: 'bo_b', name: '乙局' }]);
        // Outside the transaction the row does not exist yet.
        expect(await unitByCode(app.db, { code: 'bo_b' })).toEqual([]);
        await tx.transaction(async (savepoint) => {
          await savepoint.insert(units).values({ code: 'bo_c', name: '丙局', role: 'unit', updatedAt: AT });
          expect(await unitByCode(savepoint, { code: 'bo_c' })).toEqual([{ code: 'bo_c', name: '丙局' }]);
        });
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect(await unitByCode(app.db, { code: 'bo_b' })).toEqual([]);
    expect(await unitByCode(app.db, { code: 'bo_c' })).toEqual([]);
    expect(builds).toBe(1);
  });

  it('a row locked through it is held by the transaction that took it', async () => {
    const lockUnit = builtOnce((db) => db.select({ code: units.code }).from(units).where(eq(units.code, sql.placeholder('code'))).for('update'));
    expect(await lockUnit(app.db, { code: 'bo_a' })).toEqual([{ code: 'bo_a' }]);
    await app.db.transaction(async (tx) => {
      expect(await lockUnit(tx, { code: 'bo_a' })).toEqual([{ code: 'bo_a' }]);
      const [held] = await test.sql<{ locked: boolean }[]>`
        select exists (select 1 from pg_locks l join pg_class c on c.oid = l.relation where c.relname = 'units' and l.mode = 'RowShareLock' and l.granted) as locked`;
      expect(held!.locked).toBe(true);
      // Another connection cannot take it meanwhile.
      await expect(test.sql`select code from units where code = 'bo_a' for update nowait`).rejects.toThrow(/could not obtain lock/);
    });
  });
});
