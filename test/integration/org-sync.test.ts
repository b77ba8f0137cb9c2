import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_ORG_FILE } from '../../src/config.js';
import { effectiveChatId, effectiveRoster } from '../../src/db/queries/organisation.js';
import { auditLog, memberships, orgState, people, units } from '../../src/db/schema/index.js';
import { loadOrgFile, parseOrgText, type LoadedOrg } from '../../src/org/load.js';
import { syncOrganisation } from '../../src/org/sync.js';
import { bindUnitChat, changeRoster } from '../../src/workflow/organisation.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const T0 = new Date('2026-11-27T01:00:00Z');
const T1 = new Date('2026-11-27T02:00:00Z');
const T2 = new Date('2026-11-27T03:00:00Z');

function orgFrom(text: string): LoadedOrg {
  return { org: parseOrgText(text, 'org.yaml'), path: 'org.yaml', hash: String(text.length) + text.slice(-8) };
}

const VERSION_1 = `
units:
  - code: news
    name: 县新闻办
    role: news_office
    leaders: [ou_dir]
    members: [ou_staff]
  - code: health
    name: 县卫健委
    role: department
    chat_id: oc_health_file
    leaders: [ou_hl]
    liaisons: [ou_h1, ou_h2]
    keywords: [医院, 疫苗]
county_leaders:
  - { id: ou_wang, name: 王副县长, oversees: [health] }
people: { ou_h1: 刘芳, ou_h2: 张伟 }
`;

// The health unit's second liaison and the keyword 疫苗 are gone; a town is new.
const VERSION_2 = `
units:
  - code: news
    name: 县新闻办（网信办）
    role: news_office
    leaders: [ou_dir]
    members: [ou_staff]
  - code: health
    name: 县卫健委
    role: department
    chat_id: oc_health_file
    leaders: [ou_hl]
    liaisons: [ou_h1]
    keywords: [医院]
  - code: town
    name: 青松镇
    role: town
county_leaders:
  - { id: ou_wang, name: 王副县长, oversees: [health] }
people: { ou_h1: 刘芳 }
`;

describe('organisation sync', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('loads the example county into the tables, with an audit row per change', async () => {
    const loaded = await loadOrgFile(EXAMPLE_ORG_FILE);
    const scratch = await createTestDatabase();
    try {
      const summary = await syncOrganisation(scratch.db, loaded, T0);
      const unitRows = await scratch.db.select().from(units);
      expect(unitRows).toHaveLength(loaded.org.units.length);
      const [state] = await scratch.db.select().from(orgState);
      expect(state).toMatchObject({ timezone: 'Asia/Shanghai', sourceHash: loaded.hash, syncedAt: T0 });
      const [{ count }] = (await scratch.db.select({ count: sql<number>`count(*)::int` }).from(auditLog)) as [{ count: number }];
      // one row per inserted entity plus the sync row itself
      expect(count).toBe(summary.inserted + 1);
      expect(await effectiveRoster(scratch.db, 'health')).toEqual({
        leader: ['ou_demo_health_deputy', 'ou_demo_health_leader'],
        liaison: ['ou_demo_health_liaison'],
        member: [],
      });
      const [wang] = await scratch.db.select().from(people).where(eq(people.key, 'ou_demo_vice_wang'));
      expect(wang).toMatchObject({ name: '王副县长', isCountyLeader: true, isAdmin: false, openId: 'ou_demo_vice_wang' });

      const again = await syncOrganisation(scratch.db, loaded, T1);
      expect(again).toEqual({ inserted: 0, updated: 0, deactivated: 0 });
      const [{ count: after }] = (await scratch.db.select({ count: sql<number>`count(*)::int` }).from(auditLog)) as [{ count: number }];
      expect(after).toBe(count);
    } finally {
      await scratch.drop();
    }
  });

  it('deactivates what the file drops, never deletes, and keeps chat edits across a re-sync', async () => {
    await syncOrganisation(db.db, orgFrom(VERSION_1), T0);
    expect(await effectiveChatId(db.db, 'health')).toBe('oc_health_file');

    await bindUnitChat(db.db, { unitCode: 'health', chatId: 'oc_health_bound', actor: 'ou_dir', at: T1 });
    await changeRoster(db.db, { unitCode: 'health', personKey: 'ou_new', personName: '新联络人', role: 'liaison', present: true, actor: 'ou_hl', at: T1 });
    await changeRoster(db.db, { unitCode: 'health', personKey: 'ou_h1', role: 'liaison', present: false, actor: 'ou_hl', at: T1 });

    const summary = await syncOrganisation(db.db, orgFrom(VERSION_2), T2);
    expect(summary.deactivated).toBe(3); // membership ou_h2, person ou_h2, keyword 疫苗
    expect(summary.inserted).toBe(1); // the town
    expect(summary.updated).toBe(1); // the news office's name

    expect(await effectiveChatId(db.db, 'health')).toBe('oc_health_bound');
    expect(await effectiveRoster(db.db, 'health')).toEqual({ leader: ['ou_hl'], liaison: ['ou_new'], member: [] });

    const [h2] = await db.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.unitCode, 'health'), eq(memberships.personKey, 'ou_h2')));
    expect(h2).toMatchObject({ active: false, updatedAt: T2 });
    const [h2Person] = await db.db.select().from(people).where(eq(people.key, 'ou_h2'));
    expect(h2Person).toMatchObject({ active: false, name: '张伟' });

    const trail = await db.db.select().from(auditLog).where(eq(auditLog.at, T2)).orderBy(auditLog.id);
    expect(trail.map((row) => row.action)).toEqual(
      expect.arrayContaining(['org.sync', 'org.unit.changed', 'org.unit.added', 'org.membership.deactivated', 'org.person.deactivated', 'org.keyword.deactivated']),
    );
    const renamed = trail.find((row) => row.action === 'org.unit.changed');
    expect(renamed).toMatchObject({ subject: 'unit:news', actor: 'system:org-file' });
    expect(renamed?.before).toMatchObject({ name: '县新闻办' });
    expect(renamed?.after).toMatchObject({ name: '县新闻办（网信办）' });

    const edits = await db.db.select().from(auditLog).where(eq(auditLog.at, T1)).orderBy(auditLog.id);
    expect(edits.map((row) => [row.actor, row.action])).toEqual([
      ['ou_dir', 'org.chat.bound'],
      ['ou_hl', 'org.roster.liaison.added'],
      ['ou_hl', 'org.roster.liaison.removed'],
    ]);
    expect(edits[0]).toMatchObject({ before: { chatId: 'oc_health_file' }, after: { chatId: 'oc_health_bound' } });
  });

  it('brings back what the file names again', async () => {
    await syncOrganisation(db.db, orgFrom(VERSION_1), new Date('2026-11-28T00:00:00Z'));
    const [h2] = await db.db.select().from(people).where(eq(people.key, 'ou_h2'));
    expect(h2?.active).toBe(true);
    const trail = await db.db.select().from(auditLog).where(eq(auditLog.action, 'org.person.reactivated'));
    expect(trail.map((row) => row.subject)).toEqual(['person:ou_h2']);
  });
});
