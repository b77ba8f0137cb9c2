import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/client.js';
import { units } from '../../src/db/schema/index.js';
import { countingRelay, type CountingRelay } from '../helpers/counting-relay.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const AT = new Date('2026-11-28T02:00:00Z');

describe('BEGIN and SAVEPOINT go out with the first statement behind them (scripts/patch-postgres.mjs)', () => {
  let test: TestDatabase;
  let relay: CountingRelay;
  let app: Database;

  beforeAll(async () => {
    test = await createTestDatabase();
    relay = await countingRelay(new URL(test.url));
    app = connectDatabase(relay.url, { max: 1 });
    await app.sql`select 1`;
  });
  afterAll(async () => {
    await app.close();
    await relay.close();
    await test.drop();
  });

  const writesDuring = async (work: () => Promise<unknown>) => {
    const before = relay.writes();
    await work();
    return relay.writes() - before;
  };
  const unitNamed = async (code: string) => (await app.db.select({ name: units.name }).from(units).where(eq(units.code, code)))[0]?.name;

  it('a transaction of one statement is two round trips: BEGIN with the statement, then COMMIT', async () => {
    expect(await writesDuring(() => app.db.transaction((tx) => tx.execute(sql`select 1`)))).toBe(2);
  });

  it('a savepoint adds no round trip of its own', async () => {
    const writes = await writesDuring(() =>
      app.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        await tx.transaction((sp) => sp.execute(sql`select 2`));
      }),
    );
    // begin + select 1, savepoint + select 2, commit.
    expect(writes).toBe(3);
  });

  it('a savepoint rolled back undoes its own writes only, and the transaction commits the rest', async () => {
    const undone = new Error('undo the savepoint');
    await app.db.transaction(async (tx) => {
      await tx.insert(units).values({ code: 'pt_kept', name: '留下', role: 'unit', updatedAt: AT });
      await expect(
        tx.transaction(async (sp) => {
          await sp.insert(units).values({ code: 'pt_undone', name: '撤销', role: 'unit', updatedAt: AT });
          throw undone;
        }),
      ).rejects.toBe(undone);
    });
    expect(await unitNamed('pt_kept')).toBe('留下');
    expect(await unitNamed('pt_undone')).toBeUndefined();
  });

  it('a transaction that fails writes nothing, and its connection serves the next one', async () => {
    await expect(
      app.db.transaction(async (tx) => {
        await tx.insert(units).values({ code: 'pt_failed', name: '失败', role: 'unit', updatedAt: AT });
        await tx.execute(sql`select 1 / 0`);
      }),
    ).rejects.toMatchObject({ cause: { code: '22012' } });
    expect(await unitNamed('pt_failed')).toBeUndefined();
    await app.db.transaction((tx) => tx.insert(units).values({ code: 'pt_after', name: '之后', role: 'unit', updatedAt: AT }));
    expect(await unitNamed('pt_after')).toBe('之后');
  });

  it('a savepoint opened in a transaction that already failed throws the savepoint’s own error', async () => {
    let savepointError: unknown;
    await expect(
      app.db.transaction(async (tx) => {
        await tx.execute(sql`select 1 / 0`).catch(() => undefined);
        await tx.transaction((sp) => sp.execute(sql`select 2`)).catch((error: unknown) => {
          savepointError = error;
          throw error;
        });
      }),
    ).rejects.toBeDefined();
    // 25P02: the transaction is aborted; it is the SAVEPOINT that says so, not a rollback to a
    // savepoint that never existed (3B001).
    expect(savepointError).toMatchObject({ code: '25P02' });
    expect(await writesDuring(() => app.db.transaction((tx) => tx.execute(sql`select 1`)))).toBe(2);
  });
});
