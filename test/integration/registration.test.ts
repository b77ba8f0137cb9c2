import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { validateCard } from '../../src/lark/card-schema.js';
import { toInboundEvent } from '../../src/lark/events.js';
import { auditLog, items, itemCards, securityEvents } from '../../src/db/schema/index.js';
import { findItemByRef, unitsOfItem } from '../../src/db/queries/items.js';
import { cardActionEvent, messageEvent } from '../helpers/lark-webhook.js';
import { cardsRedrawn, eventually } from '../helpers/app.js';
import { useAppHarness } from '../helpers/harness.js';

const AT = new Date('2026-11-27T02:00:00Z'); // 10:00 in Asia/Shanghai

describe('registration and routing', () => {
  const { db, lark, harness } = useAppHarness({ at: AT });
  let n = 0;

  async function say(sender: string, text: string, chatId = 'oc_news') {
    n += 1;
    const messageId = `om_reg_${n}`;
    await harness.app.handle(toInboundEvent(messageEvent({ text, sender, messageId, chatId })));
    const reply = await eventually(() => {
      const found = lark.messages.find((m) => m.replyTo === messageId);
      if (!found) throw new Error(`no reply to ${text}`);
      return found;
    });
    return reply;
  }
  const cardsIn = (receiveId: string) => lark.messages.filter((m) => m.receiveId === receiveId && m.msgType === 'interactive');
  const cardText = (m: { content: unknown }) => JSON.stringify(m.content);

  async function click(operator: string, value: Record<string, unknown>, chatId: string) {
    const event = cardActionEvent(operator, value);
    event.event.context.open_chat_id = chatId;
    return harness.app.handle(toInboundEvent(event));
  }

  it('one message registers a general item: reference, routing by keyword, cards to the news office and the lead unit', async () => {
    const reply = await say('ou_news_staff', '/yq new 县医院挂号排长队 网友抱怨\n来源: 微博\n链接: https://m.weibo.cn/status/4900000000000001?from=share\n摘要: 有网友发帖称县医院挂号要排两小时');
    const text = (reply.content as { text: string }).text;
    expect(text).toMatch(/^已登记 YQ-20261127-001：县医院挂号排长队 网友抱怨/);
    expect(text).toContain('牵头单位：县卫健委');
    expect(text).toContain('• 认领：11月27日 12:00 前');
    expect(text).toContain('• 核实：11月28日 10:00 前');
    expect(text).toContain('• 回应：11月29日 10:00 前');

    const item = await findItemByRef(db.db, 'YQ-20261127-001');
    expect(item).toMatchObject({ state: 'dispatched', level: 'general', kind: 'opinion', source: 'weibo', registeredBy: 'ou_news_staff' });
    expect(await unitsOfItem(db.db, item!.id)).toEqual({ lead: 'health', cooperating: [] });

    const [newsCard] = await eventually(() => {
      const found = cardsIn('oc_news');
      if (found.length === 0) throw new Error('no news card');
      return found;
    });
    const [leadCard] = await eventually(() => {
      const found = cardsIn('oc_health');
      if (found.length === 0) throw new Error('no lead card');
      return found;
    });
    expect(validateCard(newsCard!.content)).toMatchObject({ ok: true });
    expect(validateCard(leadCard!.content)).toMatchObject({ ok: true });
    expect(cardText(leadCard!)).toContain('<at id=ou_health_liaison></at>');
    expect(cardText(leadCard!)).toContain('认领');
    expect(cardText(newsCard!)).toContain('YQ-20261127-001');
    expect(cardText(newsCard!)).not.toContain('"action":"acknowledge"');
    // General item: no report to propaganda or county leaders.
    expect(lark.messages.filter((m) => m.receiveId === 'ou_vice_wang')).toHaveLength(0);
    const trail = await db.db.select().from(auditLog).where(eq(auditLog.itemId, item!.id));
    expect(trail.map((row) => [row.actor, row.action])).toEqual([['ou_news_staff', 'item.registered']]);
  });

  it('the same article in another form of link is refused with a pointer, unless forced', async () => {
    const reply = await say('ou_news_staff', '/yq new 同一条微博\n链接: https://m.weibo.cn/detail/4900000000000001');
    expect((reply.content as { text: string }).text).toMatch(/^这条链接已经登记过：YQ-20261127-001「县医院挂号排长队 网友抱怨」/);
    expect(Number((await db.db.select({ n: sql<number>`count(*)` }).from(items))[0]!.n)).toBe(1);
    const forced = await say('ou_news_staff', '/yq new 同一条微博\n链接: https://m.weibo.cn/detail/4900000000000001\n强制: 是\n部门: 卫健委');
    expect((forced.content as { text: string }).text).toMatch(/^已登记 YQ-20261127-002/);
  });

  it('validation names every bad field and echoes the input; nothing is registered', async () => {
    const before = Number((await db.db.select({ n: sql<number>`count(*)` }).from(items))[0]!.n);
    const reply = await say('ou_news_staff', '/yq new 某事\n级别: 很大\n类别: 天气\n部门: 火星局');
    const text = (reply.content as { text: string }).text;
    expect(text).toContain('很大');
    expect(text).toContain('一般、重大、特别重大');
    expect(text).toContain('天气');
    expect(text).toContain('您发送的是：@舆情助手 /yq new 某事');
    expect(Number((await db.db.select({ n: sql<number>`count(*)` }).from(items))[0]!.n)).toBe(before);
  });

  it('only the news office may register', async () => {
    const before = Number((await db.db.select({ n: sql<number>`count(*)` }).from(securityEvents))[0]!.n);
    const reply = await say('ou_health_liaison', '/yq new 我想登记', 'oc_health');
    expect((reply.content as { text: string }).text).toMatch(/^无法执行：只有县新闻办可以/);
    expect(Number((await db.db.select({ n: sql<number>`count(*)` }).from(securityEvents))[0]!.n)).toBe(before + 1);
  });

  it('a major item goes at once to the propaganda dept, the government office and the overseeing county leader, who is buzzed', async () => {
    const reply = await say('ou_news_staff', '/舆情 登记 疫苗接种点秩序混乱\n级别: 重大\n部门: 卫健委, 教育局');
    expect((reply.content as { text: string }).text).toContain('配合单位：县教育局');
    const leaderCard = await eventually(() => {
      const found = lark.messages.find((m) => m.receiveId === 'ou_vice_wang' && cardText(m).includes('疫苗接种点秩序混乱'));
      if (!found) throw new Error('no leader card');
      return found;
    });
    await eventually(() => expect(lark.urgents).toContainEqual({ messageId: leaderCard.messageId, userIds: ['ou_vice_wang'] }));
    // Propaganda has no chat: its people get it in private.
    await eventually(() => expect(lark.messages.some((m) => m.receiveId === 'ou_prop_lead' && cardText(m).includes('疫苗接种点秩序混乱'))).toBe(true));
    // The education bureau cooperates; it has no chat, so its people get the card in private.
    await eventually(() => expect(lark.messages.some((m) => m.receiveId === 'ou_edu_liaison' && cardText(m).includes('疫苗接种点秩序混乱'))).toBe(true));
    const leadCard = lark.messages.filter((m) => m.receiveId === 'oc_health').at(-1)!;
    expect(cardText(leadCard)).toContain('<at id=ou_health_lead></at>');
  });

  it('no keyword match: the news office chooses the lead unit on its card; the unit then gets its card', async () => {
    const reply = await say('ou_news_staff', '/yq new 某小区停水三天无人管');
    expect((reply.content as { text: string }).text).toContain('牵头单位：待指定');
    const item = (await db.db.select().from(items).orderBy(sql`id desc`).limit(1))[0]!;
    expect(item.state).toBe('registered');
    const newsCard = await eventually(() => {
      const found = cardsIn('oc_news').find((m) => cardText(m).includes('某小区停水三天无人管'));
      if (!found) throw new Error('no news card');
      return found;
    });
    expect(cardText(newsCard)).toContain('"action":"route"');

    const refused = await click('ou_health_liaison', { action: 'route', item: item.id, unit: 'education' }, 'oc_news');
    expect(refused.toast?.type).toBe('error');
    expect((await findItemByRef(db.db, item.ref))!.state).toBe('registered');

    const answer = await click('ou_news_staff', { action: 'route', item: item.id, unit: 'education' }, 'oc_news');
    expect(answer.toast).toEqual({ type: 'success', content: '已交办给县教育局' });
    expect(answer.card?.type).toBe('raw');
    expect(validateCard(answer.card!.data)).toMatchObject({ ok: true });
    expect((await findItemByRef(db.db, item.ref))!.state).toBe('dispatched');
    await eventually(() => expect(lark.messages.some((m) => m.receiveId === 'ou_edu_liaison' && cardText(m).includes('某小区停水三天无人管'))).toBe(true));
  });

  it('认领 by the lead liaison: state, audit, every copy patched; others are refused; two at once, one wins', async () => {
    const item = (await findItemByRef(db.db, 'YQ-20261127-001'))!;
    const before = Number((await db.db.select({ n: sql<number>`count(*)` }).from(securityEvents))[0]!.n);
    const refused = await click('ou_edu_liaison', { action: 'acknowledge', item: item.id }, 'oc_health');
    expect(refused.toast).toMatchObject({ type: 'error' });
    expect(Number((await db.db.select({ n: sql<number>`count(*)` }).from(securityEvents))[0]!.n)).toBe(before + 1);
    expect((await findItemByRef(db.db, item.ref))!.state).toBe('dispatched');

    const [a, b] = await Promise.all([
      click('ou_health_liaison', { action: 'acknowledge', item: item.id }, 'oc_health'),
      click('ou_health_lead', { action: 'acknowledge', item: item.id }, 'oc_health'),
    ]);
    const toasts = [a.toast, b.toast];
    expect(toasts).toContainEqual({ type: 'success', content: `已认领 ${item.ref}` });
    expect(toasts).toContainEqual({ type: 'warning', content: '这条舆情已经被认领了。' });
    const after = (await findItemByRef(db.db, item.ref))!;
    expect(after.state).toBe('acknowledged');
    const acks = await db.db.select().from(auditLog).where(sql`item_id = ${item.id} and action = 'item.acknowledged'`);
    expect(acks).toHaveLength(1);
    // The news office copy is patched to the new version (by the sender, after the click); the
    // clicked copy got its card in the answer.
    await cardsRedrawn(db.db);
    const copies = await db.db.select().from(itemCards).where(eq(itemCards.itemId, item.id));
    expect(copies.every((copy) => copy.version === after.version)).toBe(true);
    await eventually(() => expect(lark.patches.some((p) => JSON.stringify(p.content).includes('已认领'))).toBe(true));
  });
});
