import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { findItemByRef } from '../../src/db/queries/items.js';
import { auditLog, clocks } from '../../src/db/schema/index.js';
import { useAppHarness } from '../helpers/harness.js';

const AT = new Date('2026-11-27T02:00:00Z');

/** Every kind × level through the main path, with the clocks each one must carry. */
const WALKS = [
  ['舆情', '一般', 'opinion', 'general', 'website', ['ack', 'respond', 'verify']],
  ['舆情', '重大', 'opinion', 'major', 'weibo', ['ack', 'respond', 'verify']],
  ['舆情', '特别重大', 'opinion', 'critical', 'press_conference', ['ack', 'respond', 'verify']],
  ['咨询投诉', '一般', 'inquiry', 'general', 'website', ['ack', 'answer', 'respond', 'verify']],
  ['咨询投诉', '重大', 'inquiry', 'major', 'wechat', ['ack', 'answer', 'respond', 'verify']],
  ['咨询投诉', '特别重大', 'inquiry', 'critical', 'press_conference', ['ack', 'answer', 'respond', 'verify']],
] as const;

describe('every kind and level walks the main path', () => {
  const { db, d } = useAppHarness({ at: AT });
  let n = 0;

  it.each(WALKS)('%s · %s', async (kindZh, levelZh, kind, level, channel, expectedClocks) => {
    n += 1;
    const ref = `YQ-20261127-${String(n).padStart(3, '0')}`;
    expect(await d.say('ou_news_staff', `/yq new 走查 ${kindZh}${levelZh}\n类型: ${kindZh}\n级别: ${levelZh}\n部门: 卫健委`, 'oc_news')).toMatch(new RegExp(`^已登记 ${ref}`));
    const id = (await findItemByRef(db.db, ref))!.id;
    const base = { item: id };
    expect((await d.click('ou_health_liaison', { ...base, action: 'acknowledge' }, 'oc_health')).toast?.type).toBe('success');
    await d.click('ou_health_liaison', { ...base, action: 'verify_submit' }, 'oc_health', { formValue: { outcome: 'true', findings: '属实', rectification: 'no' } });
    await d.click('ou_health_liaison', { ...base, action: 'draft_submit' }, 'oc_health', { formValue: { text_1: `关于${ref}的回应` } });
    expect((await d.click('ou_health_lead', { ...base, action: 'approve_draft', draft: 1 }, 'oc_health')).toast?.content).toBe('审核通过');
    const published = await d.click('ou_health_liaison', { ...base, action: 'publication_submit' }, 'oc_health', { formValue: { channel, published_at: '2026-11-27 10:00 +0800', draft: '1' } });
    expect(published.toast?.content).toBe('发布已登记');
    const item = (await findItemByRef(db.db, ref))!;
    expect(item).toMatchObject({ kind, level, state: 'watching' });
    const rows = await db.db.select().from(clocks).where(eq(clocks.itemId, id)).orderBy(clocks.kind);
    expect(rows.filter((c) => c.kind !== 'watch').map((c) => c.kind)).toEqual([...expectedClocks]);
    // Met by the publication: for critical items only because it was a press conference.
    expect(rows.find((c) => c.kind === 'respond')?.metBy).toBe(`publication:${channel}`);
    if (kind === 'inquiry') expect(rows.find((c) => c.kind === 'answer')?.metAt).toEqual(channel === 'press_conference' ? null : new Date('2026-11-27T02:00:00Z'));
    const trail = (await db.db.select().from(auditLog).where(eq(auditLog.itemId, id)).orderBy(auditLog.id)).map((r) => r.action);
    expect(trail).toEqual(['item.registered', 'item.acknowledged', 'item.verified', 'item.draft_submitted', 'item.draft_approved', 'item.published', 'item.watch_started']);
  });
});
