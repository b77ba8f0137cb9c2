import { describe, expect, it } from 'vitest';
import { fuzzInbound, useFuzzTarget } from '../../helpers/fuzz.js';

/** 10,000 generated command texts and card payloads through the app's entry point, on PostgreSQL. */
describe('generated command texts and card payloads, 10,000', () => {
  const { db, target } = useFuzzTarget();

  it('each answered or refused cleanly, nothing thrown or left unhandled', async () => {
    const counts = await fuzzInbound(db.db, target, 10_000);
    expect(counts.messages + counts.clicks).toBe(10_000);
  }, 420_000);
});
