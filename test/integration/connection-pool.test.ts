import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { POOL_SIZE } from '../../src/db/client.js';
import { useAppHarness } from '../helpers/harness.js';

describe('the connection pool', () => {
  const { db } = useAppHarness({ at: new Date('2026-11-27T02:00:00Z') });

  it('is open in full once the app has started, before any load needs it', async () => {
    // The app's connections are server processes of this database, other than this test's own.
    const [row] = await db.db.execute<{ n: number }>(sql`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and application_name = 'yuqing-bot' and pid <> pg_backend_pid()`);
    expect(row?.n).toBeGreaterThanOrEqual(POOL_SIZE);
  });
});
