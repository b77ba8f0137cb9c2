import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database, type DbOrTx } from '../../src/db/client.js';
import { MAX_PREPARED_PARAMETERS } from '../../src/db/prepared-statements.js';
import { units } from '../../src/db/schema/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/** What the server holds prepared on the connection the query runs on. */
const preparedOn = async (db: DbOrTx) => (await db.execute<{ statement: string }>(sql`select statement from pg_prepared_statements`)).map((row) => row.statement);

describe('drizzle statements are named prepared statements', () => {
  let test: TestDatabase;
  let one: Database;
  beforeAll(async () => {
    test = await createTestDatabase();
    one = connectDatabase(test.url, { max: 1 });
  });
  afterAll(async () => {
    await one.close();
    await test.drop();
  });

  it('outside a transaction, inside one and inside a savepoint', async () => {
    const byCode = (db: DbOrTx, code: string) => db.select({ code: units.code }).from(units).where(eq(units.code, code));
    const before = await preparedOn(one.db);
    expect(await byCode(one.db, 'nowhere')).toEqual([]);
    const after = await preparedOn(one.db);
    expect(after.filter((s) => s.includes('"units"."code" = $1'))).toHaveLength(1);
    expect(before.filter((s) => s.includes('"units"."code" = $1'))).toHaveLength(0);
    await one.db.transaction(async (tx) => {
      await tx.select({ name: units.name }).from(units).where(eq(units.active, true));
      expect((await preparedOn(tx)).some((s) => s.includes('"units"."active" = $1'))).toBe(true);
      await tx.transaction(async (savepoint) => {
        await savepoint.select({ role: units.role }).from(units).where(eq(units.role, 'news_office'));
        expect((await preparedOn(savepoint)).some((s) => s.includes('"units"."role" = $1'))).toBe(true);
      });
    });
  });

  it(`a statement with more than ${MAX_PREPARED_PARAMETERS} parameters stays unnamed`, async () => {
    const codes = (n: number) => Array.from({ length: n }, (_, i) => `code_${n}_${i}`);
    await one.db.select({ code: units.code }).from(units).where(inArray(units.code, codes(MAX_PREPARED_PARAMETERS)));
    await one.db.select({ code: units.code }).from(units).where(inArray(units.code, codes(MAX_PREPARED_PARAMETERS + 1)));
    const held = (await preparedOn(one.db)).filter((s) => s.includes('"units"."code" in'));
    expect(held.map((s) => s.split('$').length - 1)).toEqual([MAX_PREPARED_PARAMETERS]);
  });
});
