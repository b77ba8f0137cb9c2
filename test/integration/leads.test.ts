import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { validateCard } from '../../src/lark/card-schema.js';
import { auditLog, items, leads, securityEvents } from '../../src/db/schema/index.js';
import { findItemByRef, unitsOfItem } from '../../src/db/queries/items.js';
import { findLead } from '../../src/db/queries/leads.js';
import { readItemViewRecords } from '../../src/db/queries/item-view-records.js';
import { reportAggregates } from '../../src/db/queries/reports.js';
import { escalateLeads } from '../../src/scheduler/leads.js';
import { defaultPolicy } from '../../src/domain/policy.js';
import type { FakeMessage } from '../helpers/fake-lark.js';
import { eventually } from '../helpers/app.js';
import { TEST_ORG_YAML, silentLog } from '../helpers/org.js';
import { rowCount } from '../helpers/db.js';
import { buttonValues } from '../helpers/workflow.js';
import { useAppHarness } from '../helpers/harness.js';

const AT = new Date('2026-11-27T02:00:00Z'); // 10:00 in Asia/Shanghai
const MINUTE = 60_000;

/** The test county plus a town with its own group. */
const ORG = TEST_ORG_YAML.replace(
  'county_leaders:',
  `  - code: qingsong
    name: 青松镇
    role: town
    chat_id: oc_qingsong
    leaders: [ou_town_lead]
    liaisons: [ou_town_liaison]
county_leaders:`,
).replace('people:\n', 'people:\n  ou_town_lead: 钱镇长\n  ou_town_liaison: 赵敏\n');

describe('leads from units (线索报送)', () => {
  const { db, lark, harness, d } = useAppHarness({ at: AT, orgYaml: ORG });

  const count = (table: typeof leads | typeof items | typeof securityEvents) => rowCount(db.db, table);
  const leadAudit = async (id: number) =>
    (await db.db.select().from(auditLog).where(eq(auditLog.subject, `lead:${id}`)).orderBy(auditLog.id)).map((row) => [row.actor, row.action]);
  const json = (m: FakeMessage) => JSON.stringify(m.content);
  const privateTo = (openId: string, marker: string) =>
    eventually(() => {
      const found = lark.messages.find((m) => m.receiveId === openId && json(m).includes(marker));
      if (!found) throw new Error(`nothing to ${openId} with ${marker}`);
      return found;
    });

  it('a town liaison reports a lead; the news office registers it as an item that records who reported it and when', async () => {
    const reply = await d.say(
      'ou_town_liaison',
      '/yq tip 青松镇菜市场摊位费上涨引发议论\n链接: https://m.weibo.cn/status/4900000000000777?from=share\n来源: 微博\n部门: 青松镇\n摘要: 有网民称菜市场摊位费一年涨了三成\n传播: 阅读3000 转发20',
      'oc_qingsong',
    );
    expect(reply).toMatch(/^已报送线索 #\d+：青松镇菜市场摊位费上涨引发议论/);
    const [lead] = await db.db.select().from(leads);
    expect(lead).toMatchObject({ channel: 'tip', reporter: 'ou_town_liaison', unitCode: 'qingsong', status: 'open', urlKey: 'https://m.weibo.cn/status/4900000000000777', reportedAt: AT });
    expect(lead!.fields).toMatchObject({ source: 'weibo', leadUnit: 'qingsong', spread: { views: 3000, reposts: 20 } });
    expect(await count(items)).toBe(0); // a lead is never an item by itself

    // The lead card goes to the news office's group, with both buttons.
    const card = await d.cardWith('青松镇菜市场摊位费上涨引发议论', (m) => m.receiveId === 'oc_news');
    expect(json(card)).toContain('青松镇 赵敏');
    expect(buttonValues(card.content)).toEqual([
      { action: 'lead_register', lead: lead!.id, v: 1 },
      { action: 'lead_reject', lead: lead!.id, v: 1 },
    ]);
    expect(lark.messages.some((m) => m.receiveId === 'oc_qingsong' && m.msgType === 'interactive')).toBe(false);

    // Someone outside the news office may not handle it: refused, a security event, nothing changed.
    const securityBefore = await count(securityEvents);
    const refused = await d.click('ou_town_lead', { action: 'lead_register', lead: lead!.id }, 'oc_qingsong', { messageId: card.messageId });
    expect(refused.toast?.type).toBe('error');
    expect(await count(securityEvents)).toBe(securityBefore + 1);

    // 登记为舆情 posts the registration form, pre-filled, as a reply under the lead card.
    harness.clock.set(new Date(AT.getTime() + 20 * MINUTE));
    const opened = await d.click('ou_news_staff', { action: 'lead_register', lead: lead!.id, v: lead!.version }, 'oc_news', { messageId: card.messageId });
    expect(opened.toast).toEqual({ type: 'info', content: '已发出表单，请在下方填写' });
    const form = await eventually(() => {
      const found = lark.messages.find((m) => m.replyTo === card.messageId && json(m).includes('register_submit'));
      if (!found) throw new Error('no form');
      return found;
    });
    expect(validateCard(form.content)).toMatchObject({ ok: true });
    expect(buttonValues(form.content)).toContainEqual({ action: 'register_submit', lead: lead!.id });
    expect(json(form)).toContain('"default_value":"青松镇菜市场摊位费上涨引发议论"');
    expect(json(form)).toContain('"initial_option":"qingsong"');
    expect(json(form)).toContain('"initial_datetime":"2026-11-27 10:00"'); // found = when the town reported it

    const submitted = await d.click('ou_news_staff', { action: 'register_submit', lead: lead!.id }, 'oc_news', {
      messageId: form.messageId,
      formValue: {
        title: '青松镇菜市场摊位费上涨引发议论',
        url: 'https://m.weibo.cn/status/4900000000000777?from=share',
        source: 'weibo',
        category: 'public_interest',
        level: 'general',
        kind: 'opinion',
        lead: 'qingsong',
        found: '2026-11-27 10:00 +0800',
        summary: '有网民称菜市场摊位费一年涨了三成',
        views: '3000',
        reposts: '20',
        drill: 'no',
      },
    });
    expect(submitted.toast).toEqual({ type: 'success', content: '已登记 YQ-20261127-001' });
    expect(submitted.card?.type).toBe('raw');

    const item = (await findItemByRef(db.db, 'YQ-20261127-001'))!;
    expect(item).toMatchObject({ registeredBy: 'ou_news_staff', discoveredAt: AT, category: 'public_interest', state: 'dispatched' });
    expect(await unitsOfItem(db.db, item.id)).toEqual({ lead: 'qingsong', cooperating: [] });
    // The item records the lead: who reported it and when.
    const { lead: source } = await readItemViewRecords(db.db, item.id);
    expect(source).toMatchObject({ id: lead!.id, reporter: 'ou_town_liaison', unitCode: 'qingsong', reportedAt: AT, status: 'registered', handledBy: 'ou_news_staff' });
    expect(await leadAudit(lead!.id)).toEqual([
      ['ou_town_liaison', 'lead.reported'],
      ['ou_news_staff', 'lead.registered'],
    ]);
    // The town's item card names where it came from.
    const itemCard = await d.cardWith('YQ-20261127-001', (m) => m.receiveId === 'oc_qingsong');
    expect(json(itemCard)).toContain('线索来源');
    expect(json(itemCard)).toContain('青松镇 赵敏（11月27日 10:00 报送）');
    // The reporter is told in private; the lead card in the news office is patched.
    expect(d.text(await privateTo('ou_town_liaison', 'YQ-20261127-001'))).toContain('已登记为舆情 YQ-20261127-001，交由青松镇办理');
    await eventually(() => expect(lark.patches.some((p) => JSON.stringify(p.content).includes('已登记为 YQ-20261127-001'))).toBe(true));
    const patched = lark.patches.filter((p) => p.messageId === card.messageId).at(-1)!;
    expect(validateCard(patched.content)).toMatchObject({ ok: true });
    expect(buttonValues(patched.content)).toEqual([]);

    // Handled once only.
    const again = await d.click('ou_news_staff', { action: 'lead_register', lead: lead!.id }, 'oc_news', { messageId: card.messageId });
    expect(again.toast).toMatchObject({ type: 'warning', content: expect.stringContaining('这条线索已经处理过了：已登记为 YQ-20261127-001') });
  });

  it('a department liaison reports a lead; the news office rejects it and the reporter is told why in private', async () => {
    harness.clock.set(new Date(AT.getTime() + 30 * MINUTE));
    const reply = await d.say('ou_health_liaison', '/舆情 报送 网传县医院将停止夜间急诊\n来源: 微信\n摘要: 微信群流传县医院下月起停止夜间急诊的消息', 'oc_health');
    const id = Number(/#(\d+)/.exec(reply)![1]);
    const lead = (await findLead(db.db, id))!;
    expect(lead).toMatchObject({ reporter: 'ou_health_liaison', unitCode: 'health', status: 'open' });
    const card = await d.cardWith('网传县医院将停止夜间急诊', (m) => m.receiveId === 'oc_news');

    const opened = await d.click('ou_news_staff', { action: 'lead_reject', lead: id }, 'oc_news', { messageId: card.messageId });
    expect(opened.toast?.type).toBe('info');
    const form = await eventually(() => {
      const found = lark.messages.find((m) => m.replyTo === card.messageId && json(m).includes('lead_reject_submit'));
      if (!found) throw new Error('no reject form');
      return found;
    });
    expect(validateCard(form.content)).toMatchObject({ ok: true });

    // A reason is required; an empty one changes nothing.
    const empty = await d.click('ou_news_staff', { action: 'lead_reject_submit', lead: id }, 'oc_news', { messageId: form.messageId, formValue: { reason: '  ' } });
    expect(empty.toast).toEqual({ type: 'warning', content: '请填写：不予登记的理由' });
    expect((await findLead(db.db, id))!.status).toBe('open');

    const reason = '经核实为谣言，县医院夜间急诊正常开放，已转县卫健委辟谣';
    const done = await d.click('ou_news_staff', { action: 'lead_reject_submit', lead: id }, 'oc_news', { messageId: form.messageId, formValue: { reason } });
    expect(done.toast).toEqual({ type: 'success', content: '已不予登记，理由已私信告知报送人' });
    expect(validateCard(done.card!.data)).toMatchObject({ ok: true });
    expect(await findLead(db.db, id)).toMatchObject({ status: 'rejected', reason, handledBy: 'ou_news_staff', itemId: null });
    expect(await leadAudit(id)).toEqual([
      ['ou_health_liaison', 'lead.reported'],
      ['ou_news_staff', 'lead.rejected'],
    ]);
    const told = d.text(await privateTo('ou_health_liaison', '不予登记'));
    expect(told).toContain('网传县医院将停止夜间急诊');
    expect(told).toContain(`理由：${reason}`);
    expect(told).toContain('处理人：林小梅');
    await eventually(() => expect(lark.patches.some((p) => p.messageId === card.messageId && JSON.stringify(p.content).includes('不予登记（林小梅'))).toBe(true));
    // Nothing was registered from it.
    expect(await count(items)).toBe(1);
  });

  it('a lead whose link is already an item is merged into it at once', async () => {
    const merged = await d.say('ou_health_liaison', '/yq tip 菜市场摊位费又上热搜\n链接: https://m.weibo.cn/detail/4900000000000777', 'oc_health');
    expect(merged).toMatch(/^这条链接已登记为舆情 YQ-20261127-001「青松镇菜市场摊位费上涨引发议论」（已交办），您的线索（#\d+）已并入该舆情/);
    const id = Number(/#(\d+)/.exec(merged)![1]);
    const item = (await findItemByRef(db.db, 'YQ-20261127-001'))!;
    expect(await findLead(db.db, id)).toMatchObject({ status: 'merged', itemId: item.id, handledBy: 'system:dedupe' });
    const onItem = await db.db.select().from(auditLog).where(and(eq(auditLog.itemId, item.id), eq(auditLog.action, 'item.lead_merged')));
    expect(onItem).toHaveLength(1);
    expect(onItem[0]).toMatchObject({ actor: 'ou_health_liaison', after: { lead: id } });
    // No lead card for a merged lead.
    expect(lark.messages.some((m) => json(m).includes('菜市场摊位费又上热搜') && m.receiveId === 'oc_news')).toBe(false);
  });

  it('only liaisons and leaders of a unit (and the news office) may report; a bad field is named', async () => {
    const before = await count(leads);
    const securityBefore = await count(securityEvents);
    const refused = await d.say('ou_vice_wang', '/yq tip 我看到一条消息', 'oc_p2p_wang', 'p2p');
    expect(refused).toMatch(/^无法执行：只有各单位的联络人、负责人和县新闻办可以报送舆情线索/);
    expect(await count(securityEvents)).toBe(securityBefore + 1);
    const bad = await d.say('ou_edu_liaison', '/yq tip 某校食堂\n级别: 很大\n部门: 火星局', 'oc_p2p_edu', 'p2p');
    expect(bad).toContain('线索信息有误');
    expect(bad).toContain('很大');
    const none = await d.say('ou_edu_liaison', '/yq tip', 'oc_p2p_edu', 'p2p');
    expect(none).toContain('/yq tip 某镇卫生院被指乱收费');
    expect(await count(leads)).toBe(before);
  });

  it('the ledger counts leads per unit, including a unit that led no item', async () => {
    const drill = await d.say('ou_edu_liaison', '/yq tip 某校门口交通拥堵（演练）\n演练: 是', 'oc_p2p_edu', 'p2p');
    // Closed at once (it only has to exist for the count), so only the real lead below stays open.
    await db.db.update(leads).set({ status: 'rejected' }).where(eq(leads.id, Number(/#(\d+)/.exec(drill)![1])));
    await d.say('ou_edu_liaison', '/yq tip 某校食堂饭菜质量被吐槽', 'oc_p2p_edu', 'p2p');
    const period = { kind: 'custom' as const, from: new Date('2026-11-26T16:00:00Z'), to: new Date('2026-11-27T16:00:00Z'), label: '11月27日', shortLabel: '11月27日' };
    const report = await reportAggregates(db.db, { kind: 'daily', period, trendPeriods: [], scope: {}, now: harness.clock.now(), tz: 'Asia/Shanghai' });
    const byUnit = Object.fromEntries(report.ledger.map((row) => [row.unitCode, row]));
    expect(byUnit.qingsong).toMatchObject({ items: 1, leads: 1 });
    expect(byUnit.health?.leads).toBeGreaterThanOrEqual(2);
    expect(byUnit.education).toMatchObject({ items: 0, leads: 1, unitName: '县教育局' });
    const own = await reportAggregates(db.db, { kind: 'daily', period, trendPeriods: [], scope: { unitCode: 'education', unitName: '县教育局' }, now: harness.clock.now(), tz: 'Asia/Shanghai' });
    expect(own.ledger.map((row) => [row.unitCode, row.leads])).toEqual([['education', 1]]);
  });

  it('a lead nobody handles within policy.lead_escalation is escalated once to the news office leaders', async () => {
    const [open] = await db.db.select().from(leads).where(eq(leads.status, 'open'));
    expect(open).toBeDefined(); // the education bureau's lead above
    const view = (now: Date) => ({ tz: 'Asia/Shanghai', policy: defaultPolicy, now });
    const due = open!.reportedAt.getTime() + defaultPolicy.lead_escalation * MINUTE;

    harness.clock.set(new Date(due - MINUTE));
    expect(await escalateLeads(db.db, view(new Date(due - MINUTE)), silentLog)).toBe(0);

    harness.clock.set(new Date(due + MINUTE));
    // Three sweepers at once (and perhaps the app's own timer): the lead is escalated once.
    const results = await Promise.all([1, 2, 3].map(() => escalateLeads(db.db, view(new Date(due + MINUTE)), silentLog)));
    expect(results.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
    await eventually(async () => expect((await findLead(db.db, open!.id))!.escalatedAt).not.toBeNull());
    expect(await escalateLeads(db.db, view(new Date(due + 60 * MINUTE)), silentLog)).toBe(0);
    expect((await leadAudit(open!.id)).filter(([, action]) => action === 'lead.escalated')).toEqual([['system:clock', 'lead.escalated']]);

    // The news office's leader gets the lead card in private, once, with the buttons to act.
    const toLeader = await privateTo('ou_news_lead', '某校食堂饭菜质量被吐槽');
    expect(validateCard(toLeader.content)).toMatchObject({ ok: true });
    expect(json(toLeader)).toContain('提醒县新闻办负责人');
    expect(buttonValues(toLeader.content)).toContainEqual(expect.objectContaining({ action: 'lead_register', lead: open!.id }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lark.messages.filter((m) => m.receiveId === 'ou_news_lead' && json(m).includes('某校食堂饭菜质量被吐槽'))).toHaveLength(1);
    // Handled leads never escalate: the registered and rejected ones above were not touched.
    expect((await db.db.select().from(leads).where(sql`escalated_at is not null`)).map((l) => l.id)).toEqual([open!.id]);
  });
});
