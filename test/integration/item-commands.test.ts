import { beforeAll, describe, expect, it } from 'vitest';
import { validateCard } from '../../src/lark/card-schema.js';
import { findItemByRef } from '../../src/db/queries/items.js';
import { useAppHarness, withAppHarness } from '../helpers/harness.js';

const AT = new Date('2026-11-27T02:00:00Z');

describe('news-office item commands', () => {
  const { db, harness, d } = useAppHarness({ at: AT });

  beforeAll(async () => {
    await d.say('ou_news_staff', '/yq new 学校食堂饭菜质量差\n部门: 教育局', 'oc_news');
    await d.say('ou_news_staff', '/yq new 医院停车难\n部门: 卫健委\n演练: 是', 'oc_news');
  });

  it('list shows open items, by unit, and the overdue ones once time has passed', async () => {
    const all = await d.say('ou_news_staff', '/舆情 列表', 'oc_news');
    expect(all).toContain('YQ-20261127-001 [已交办] 学校食堂饭菜质量差（县教育局）');
    expect(all).toContain('YQ-20261127-002 [演练][已交办] 医院停车难（县卫健委）');
    const health = await d.say('ou_news_staff', '/舆情 列表 卫健委', 'oc_news');
    expect(health).not.toContain('学校食堂');
    expect(await d.say('ou_news_staff', '/yq list 超时', 'oc_news')).toBe('没有符合条件的舆情。');
    harness.clock.set(new Date(AT.getTime() + 3 * 3600_000)); // past the 2 h 认领 clock
    const late = await d.say('ou_news_staff', '/yq list 超时', 'oc_news');
    expect(late).toContain('学校食堂饭菜质量差（县教育局） ⚠认领超时');
    harness.clock.set(AT);
  });

  it('assign moves the lead unit, which must acknowledge again', async () => {
    expect(await d.say('ou_news_staff', '/舆情 改派 YQ-20261127-001 卫健委', 'oc_news')).toBe('已将 YQ-20261127-001 改派给县卫健委，该单位需重新认领。');
    expect(await d.say('ou_health_liaison', '/舆情 改派 YQ-20261127-001 教育局', 'oc_health')).toMatch(/^无法执行：/);
    await d.cardWith('学校食堂饭菜质量差', (m) => m.receiveId === 'oc_health');
  });

  it('a 5,000-character draft by message: stored whole; the review card stays valid and under 30 KB', async () => {
    const item = (await findItemByRef(db.db, 'YQ-20261127-001'))!;
    await d.click('ou_health_liaison', { item: item.id, action: 'verify_submit' }, 'oc_health', { formValue: { outcome: 'false', findings: '经查不实', rectification: 'no' } });
    const text = '经核实，'.concat('网友反映的情况与事实不符。'.repeat(416)).slice(0, 5000);
    expect(text).toHaveLength(5000);
    const reply = await d.say('ou_health_liaison', `/舆情 起草 YQ-20261127-001\n${text}`, 'oc_health');
    expect(reply).toBe('已提交 YQ-20261127-001 的回应稿（5000 字），等待负责人审核。');
    const review = await d.cardWith('"approve_draft"');
    const bytes = Buffer.byteLength(JSON.stringify(review.content), 'utf8');
    expect(bytes).toBeLessThan(30 * 1024);
    expect(validateCard(review.content)).toMatchObject({ ok: true });
    expect(JSON.stringify(review.content)).toContain('内容较长');
  });

  it('show sends the card and the full timeline; close and reopen', async () => {
    const card = await d.say('ou_news_staff', '/yq show YQ-20261127-001', 'oc_news');
    expect(card).toContain('YQ-20261127-001');
    const timeline = d.text(await d.messageWith('办理记录'));
    expect(timeline).toMatch(/^YQ-20261127-001 办理记录（共 \d+ 条）：/);
    expect(timeline).toContain('林小梅：登记舆情');
    expect(timeline).toContain('改派牵头单位：县卫健委');
    expect(await d.say('ou_news_staff', '/舆情 办结 YQ-20261127-002 演练结束', 'oc_news')).toBe('已办结 YQ-20261127-002。');
    expect((await findItemByRef(db.db, 'YQ-20261127-002'))!.state).toBe('closed');
    expect(await d.say('ou_news_staff', '/舆情 办结 YQ-20261127-002', 'oc_news')).toContain('这条舆情已经办结。');
    expect(await d.say('ou_news_staff', '/舆情 重新打开 YQ-20261127-002', 'oc_news')).toBe('已重新打开 YQ-20261127-002，交牵头单位重新认领。');
    expect(await d.say('ou_news_staff', '/yq show YQ-99999999-001', 'oc_news')).toMatch(/^找不到 YQ-99999999-001/);
  });
});

describe('aging cards', () => {
  it('a copy older than 13 days on an open item is posted again and the old one marked as moved', async () => {
    const { repostAgingCards } = await import('../../src/scheduler/repost.js');
    const { defaultPolicy } = await import('../../src/domain/policy.js');
    const { itemCards } = await import('../../src/db/schema/index.js');
    const { silentLog } = await import('../helpers/org.js');
    await withAppHarness({ at: AT }, async ({ db: db2, d: dd }) => {
      await dd.say('ou_news_staff', '/yq new 长期未结事项\n部门: 卫健委', 'oc_news');
      const item = (await findItemByRef(db2.db, 'YQ-20261127-001'))!;
      const before = await db2.db.select().from(itemCards);
      const view = (days: number) => ({ tz: 'Asia/Shanghai', policy: defaultPolicy, now: new Date(AT.getTime() + days * 86_400_000) });
      expect(await repostAgingCards(db2.db, view(12), silentLog)).toBe(0);
      expect(await repostAgingCards(db2.db, view(13), silentLog)).toBe(before.length);
      const after = await db2.db.select().from(itemCards);
      expect(after.filter((c) => c.movedAt)).toHaveLength(before.length);
      expect(after.filter((c) => !c.movedAt).map((c) => c.audience).sort()).toEqual(before.map((c) => c.audience).sort());
      expect(after.filter((c) => !c.movedAt).every((c) => c.itemId === item.id && c.sendKey.endsWith(':2'))).toBe(true);
      expect(await repostAgingCards(db2.db, view(13), silentLog)).toBe(0);
    });
  });
});
