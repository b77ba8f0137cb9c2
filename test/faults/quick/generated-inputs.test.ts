import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { fuzzInbound, fuzzTarget, type FuzzTarget } from '../../helpers/fuzz.js';

/** 1,000 generated command texts and card payloads (the 10,000 run is in test/faults/slow). */
describe('generated command texts and card payloads', () => {
  let db: TestDatabase;
  let target: FuzzTarget;
  beforeAll(async () => {
    db = await createTestDatabase();
    target = await fuzzTarget(db.db);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('1,000 inputs: each answered or refused cleanly, nothing thrown or left unhandled', async () => {
    const counts = await fuzzInbound(db.db, target, 1000);
    expect(counts.messages + counts.clicks).toBe(1000);
    expect(counts.messages).toBeGreaterThan(100);
    expect(counts.clicks).toBeGreaterThan(100);
  }, 240_000);
});
