import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listItems } from '../../src/db/queries/items.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const OPEN = ['dispatched', 'acknowledged', 'verified'];

describe('the item list (/yq list) on a county with history', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    // 3,000 closed items, then 2,000 open ones (newer), every tenth a drill.
    await db.db.execute(sql`
      insert into items (ref, title, discovered_at, registered_at, registered_by, category, level, kind, state, drill, updated_at)
      select 'YQ-' || g, '舆情 ' || g, t, t, 'ou_news', 'other', 'normal', 'online', case when g <= 3000 then 'closed' else (array['dispatched', 'acknowledged', 'verified'])[1 + g % 3] end, g % 10 = 0, t
      from generate_series(1, 5000) g, lateral (select timestamptz '2026-01-01' + g * interval '1 hour' as t) at`);
    await db.db.execute(sql`analyze items`);
  });
  afterAll(async () => {
    await db.drop();
  });

  /** Rows of `items` the statement read, counted by the server for this transaction only. */
  async function rowsRead(list: (tx: Parameters<Parameters<TestDatabase['db']['transaction']>[0]>[0]) => Promise<unknown[]>) {
    return db.db.transaction(async (tx) => {
      const shown = await list(tx);
      const [counted] = await tx.execute<{ read: number }>(
        sql`select (pg_stat_get_xact_tuples_fetched('items'::regclass) + pg_stat_get_xact_tuples_returned('items'::regclass))::int as read`,
      );
      return { shown: shown.length, read: counted!.read };
    });
  }

  it('the newest open items, drills included, without reading the other open or the closed ones', async () => {
    const { shown, read } = await rowsRead(async (tx) => {
      const rows = await listItems(tx, { states: OPEN, includeDrill: true, limit: 30 });
      expect(rows.map((row) => row.ref)).toEqual(Array.from({ length: 30 }, (_, i) => `YQ-${5000 - i}`));
      return rows;
    });
    expect(shown).toBe(30);
    // Read backwards along the registration time: the rows shown, not the 2,000 open ones.
    expect(read).toBeLessThan(100);
  });

  it('the newest closed items: past the open ones, not all of the closed', async () => {
    const { shown, read } = await rowsRead(async (tx) => {
      const rows = await listItems(tx, { states: ['closed'], includeDrill: true, limit: 30 });
      expect(rows[0]!.ref).toBe('YQ-3000');
      return rows;
    });
    expect(shown).toBe(30);
    expect(read).toBeLessThan(3000);
  });
});
