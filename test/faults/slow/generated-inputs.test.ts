import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { fuzzInbound, fuzzTarget, type FuzzTarget } from '../../helpers/fuzz.js';

/** 10,000 generated command texts and card payloads through the app's entry point, on PostgreSQL. */
describe('generated command texts and card payloads, 10,000', () => {
  let db: TestDatabase;
  let target: FuzzTarget;
  beforeAll(async () => {
    db = await createTestDatabase();
    target = await fuzzTarget(db.db);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('each answered or refused cleanly, nothing thrown or left unhandled', async () => {
    const counts = await fuzzInbound(db.db, target, 10_000);
    expect(counts.messages + counts.clicks).toBe(10_000);
  }, 420_000);
});
