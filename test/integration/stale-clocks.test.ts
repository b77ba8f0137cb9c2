import fs from 'node:fs/promises';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { findItemByRef } from '../../src/db/queries/items.js';
import { clocks } from '../../src/db/schema/index.js';
import { useAppHarness } from '../helpers/harness.js';

const AT = new Date('2026-11-27T02:00:00Z');

/** The answer and rectification clocks come and go with the latest verification. */
describe('clocks a new verification takes away', () => {
  const { db, d } = useAppHarness({ at: AT });
  const kinds = async (itemId: number) => (await db.db.select({ kind: clocks.kind }).from(clocks).where(eq(clocks.itemId, itemId))).map((c) => c.kind).sort();
  const register = async (text: string) => {
    const reply = await d.say('ou_news_staff', text, 'oc_news');
    return (await findItemByRef(db.db, /^已登记 (YQ-\d{8}-\d{3})/.exec(reply)![1]!))!;
  };
  const verify = async (itemId: number, outcome: string, rectifyBy?: string) => {
    const answer = await d.click('ou_health_liaison', { item: itemId, action: 'verify_submit' }, 'oc_health', {
      formValue: rectifyBy ? { outcome, findings: '核查情况', rectification: 'yes', rectify_by: rectifyBy } : { outcome, findings: '核查情况', rectification: 'no' },
    });
    expect(answer.toast?.content).toBe('核实情况已提交');
  };

  it('are deleted when a new verification says 不属实 and no rectification', async () => {
    const item = await register('/yq new 医保报销慢\n部门: 卫健委\n类型: 咨询投诉');
    await verify(item.id, 'true', '2026-11-30 +0800');
    expect(await kinds(item.id)).toEqual(['ack', 'answer', 'rectify', 'respond', 'verify']);
    await verify(item.id, 'false');
    expect(await kinds(item.id)).toEqual(['ack', 'respond', 'verify']);
    await verify(item.id, 'partly', '2026-12-01 +0800');
    expect(await kinds(item.id)).toEqual(['ack', 'answer', 'rectify', 'respond', 'verify']);
  });

  it('left behind by earlier versions are removed by migration 0014, and only those', async () => {
    const inquiry = await register('/yq new 校车超载\n部门: 卫健委\n类型: 咨询投诉');
    const opinion = await register('/yq new 路灯不亮\n部门: 卫健委');
    const kept = await register('/yq new 公交改线\n部门: 卫健委\n类型: 咨询投诉');
    await verify(inquiry.id, 'true', '2026-11-30 +0800');
    await verify(opinion.id, 'true');
    await verify(kept.id, 'partly', '2026-12-02 +0800');
    // What an earlier version left: the inquiry re-verified 不属实 without rectification, its two
    // rows kept; a rectify row on the opinion item whose verification never asked for one.
    await db.db.execute(sql`insert into verifications (item_id, outcome, findings, rectification_needed, by, at)
      values (${inquiry.id}, 'false', '复核不实', false, 'ou_health_liaison', ${AT.toISOString()})`);
    await db.db.execute(sql`insert into clocks (item_id, kind, starts_at, due_at, updated_at)
      values (${opinion.id}, 'rectify', ${AT.toISOString()}, ${AT.toISOString()}, ${AT.toISOString()})`);
    const untouched = await kinds(kept.id);
    await db.db.execute(sql.raw(await fs.readFile(new URL('../../drizzle/0014_drop_stale_clocks.sql', import.meta.url), 'utf8')));
    expect(await kinds(inquiry.id)).toEqual(['ack', 'respond', 'verify']);
    expect(await kinds(opinion.id)).toEqual(['ack', 'respond', 'verify']);
    expect(untouched).toEqual(['ack', 'answer', 'rectify', 'respond', 'verify']);
    expect(await kinds(kept.id)).toEqual(untouched);
  });
});
