import { describe, expect, it } from 'vitest';
import { fuzzInbound, useFuzzTarget } from '../../helpers/fuzz.js';

/** 1,000 generated command texts and card payloads (the 10,000 run is in test/faults/slow). */
describe('generated command texts and card payloads', () => {
  const { db, target } = useFuzzTarget();

  it('1,000 inputs: each answered or refused cleanly, nothing thrown or left unhandled', async () => {
    const counts = await fuzzInbound(db.db, target, 1000);
    expect(counts.messages + counts.clicks).toBe(1000);
    expect(counts.messages).toBeGreaterThan(100);
    expect(counts.clicks).toBeGreaterThan(100);
  }, 240_000);
});
