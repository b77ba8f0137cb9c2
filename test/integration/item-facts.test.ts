import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findItemByRef } from '../../src/db/queries/items.js';
import { loadFacts } from '../../src/workflow/item-facts.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const AT = new Date('2026-11-27T02:00:00.123Z');
const minutes = (n: number) => new Date(AT.getTime() + n * 60_000);
/** As a parameter: the test's connection leaves timestamps to drizzle, which sends them as text. */
const at = (n: number) => minutes(n).toISOString();

describe('an item’s facts, read in one statement', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(() => test.drop());

  const item = async (ref: string) => {
    await test.sql`
      insert into items (ref, title, source, discovered_at, registered_at, registered_by, category, level, kind, state, drill, version, updated_at, acknowledged_at)
      values (${ref}, '测试', 'weibo', ${at(-30)}, ${at(0)}, 'ou_x', 'general', 'major', 'opinion', 'acknowledged', false, 2, ${at(0)}, ${at(10)})`;
    return (await findItemByRef(test.db, ref))!;
  };

  it('an item with no records: no verification, rectification, publications or extensions', async () => {
    const bare = await item('YQ-20261127-901');
    expect(await loadFacts(test.db, bare)).toEqual({
      level: 'major',
      kind: 'opinion',
      registeredAt: AT,
      discoveredAt: minutes(-30),
      acknowledgedAt: minutes(10),
      verification: undefined,
      publications: [],
      rectifiedAt: undefined,
      extensions: [],
    });
  });

  it('the latest verification and rectification, publications by time, extensions in the order granted, times to the millisecond', async () => {
    const full = await item('YQ-20261127-902');
    const id = full.id;
    await test.sql`insert into verifications (item_id, outcome, findings, rectification_needed, by, at) values (${id}, 'true', '属实', false, 'ou_x', ${at(20)})`;
    await test.sql`insert into verifications (item_id, outcome, findings, rectification_needed, rectify_by, by, at) values (${id}, 'partly', '部分属实', true, '2026-12-01', 'ou_y', ${at(25)})`;
    await test.sql`insert into publications (item_id, channel, published_at, draft_version, by, at) values (${id}, 'press_conference', ${at(90)}, 1, 'ou_x', ${at(91)})`;
    await test.sql`insert into publications (item_id, channel, published_at, draft_version, by, at) values (${id}, 'weibo', ${at(60)}, 1, 'ou_x', ${at(61)})`;
    await test.sql`insert into rectifications (item_id, note, done_at, by, at) values (${id}, '第一次', ${at(100)}, 'ou_x', ${at(100)})`;
    await test.sql`insert into rectifications (item_id, note, done_at, by, at) values (${id}, '第二次', ${at(120)}, 'ou_x', ${at(121)})`;
    await test.sql`insert into extensions (item_id, clock, previous_due_at, new_due_at, reason, by, at) values (${id}, 'respond', ${at(0)}, ${at(2000)}, '等待检测结果', 'ou_lead', ${at(30)})`;
    await test.sql`insert into extensions (item_id, clock, previous_due_at, new_due_at, reason, by, at) values (${id}, 'verify', ${at(0)}, ${at(1500)}, '现场核查', 'ou_lead', ${at(40)})`;

    const facts = await loadFacts(test.db, full);
    expect(facts.verification).toEqual({ outcome: 'partly', rectificationNeeded: true, rectifyBy: '2026-12-01', verifiedAt: minutes(25) });
    expect(facts.publications).toEqual([
      { channel: 'weibo', at: minutes(60) },
      { channel: 'press_conference', at: minutes(90) },
    ]);
    expect(facts.rectifiedAt).toEqual(minutes(120));
    expect(facts.extensions).toEqual([
      { clock: 'respond', due: minutes(2000), at: minutes(30), reason: '等待检测结果', by: 'ou_lead' },
      { clock: 'verify', due: minutes(1500), at: minutes(40), reason: '现场核查', by: 'ou_lead' },
    ]);
    // Dates, not the server's text: the clocks compare them by time.
    expect(facts.verification?.verifiedAt).toBeInstanceOf(Date);
    expect(facts.rectifiedAt).toBeInstanceOf(Date);
  });
});
