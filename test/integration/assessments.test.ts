import { and, eq, like, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { validateCard } from '../../src/lark/card-schema.js';
import { assessmentLinks, assessments, auditLog, outbox, securityEvents } from '../../src/db/schema/index.js';
import { findAssessment } from '../../src/db/queries/assessments.js';
import { findItemByRef } from '../../src/db/queries/items.js';
import type { FakeMessage } from '../helpers/fake-lark.js';
import { eventually } from '../helpers/app.js';
import { rowCount } from '../helpers/db.js';
import { buttonValues } from '../helpers/workflow.js';
import { useAppHarness } from '../helpers/harness.js';

/** 2026-11-27 10:00 in Asia/Shanghai, a Friday. */
const AT = new Date('2026-11-27T02:00:00Z');
/** A local Shanghai wall-clock time as an instant. */
const local = (text: string) => new Date(`${text}+08:00`);

const FULL_HIGH = [
  '/yq assess 县城区停车收费标准调整',
  '发布日期: 2026-12-15',
  '影响群体: 城区有车居民、沿街商户',
  '风险等级: 高',
  '风险点: 收费上调可能被解读为“变相敛财”',
  '应对预案: 发布当天召开新闻发布会解读',
  '口径: 调整依据省定价目录，首小时免费',
  '关键词: 停车收费、停车费',
].join('\n');

describe('risk assessments before major policies (舆情风险评估)', () => {
  const { db, lark, harness, d } = useAppHarness({ at: AT });

  const count = (table: typeof assessments | typeof securityEvents | typeof assessmentLinks | typeof outbox) => rowCount(db.db, table);
  const assessmentAudit = async (id: number) =>
    (await db.db.select().from(auditLog).where(eq(auditLog.subject, `assessment:${id}`)).orderBy(auditLog.id)).map((row) => [row.actor, row.action]);
  const json = (m: FakeMessage) => JSON.stringify(m.content);
  const idIn = (reply: string) => Number(/风险评估 #(\d+)/.exec(reply)![1]);
  /** The newest patch of a card message. */
  const latestPatch = (messageId: string) => lark.patches.filter((p) => p.messageId === messageId).at(-1);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('/yq help lists the command', async () => {
    const help = await d.say('ou_health_liaison', '/yq help', 'oc_health');
    expect(help).toContain('assess（评估、风险评估）');
  });

  it('a malformed command is answered with every bad field and how to fix it; nothing is written', async () => {
    const outboxBefore = await count(outbox);
    const reply = await d.say('ou_health_liaison', '/舆情 评估 县城区停车收费标准调整\n发布日期: 2026-13-40\n风险等级: 极高\n关键词: 停\n备注: 无', 'oc_health');
    expect(reply).toContain('风险评估信息有误：');
    expect(reply).toContain('• 发布日期“2026-13-40”这一天不存在，请检查月和日。');
    expect(reply).toContain('• 风险等级“极高”不认识，可选：低、中、高。');
    expect(reply).toContain('• 关键词“停”太短');
    expect(reply).toContain('• 不认识的字段“备注”');
    expect(reply).toContain('可以照这个格式填写：\n/yq assess 县城区停车收费标准调整\n发布日期: 2026-12-15');
    // A date already past is refused too, with today's date to compare.
    expect(await d.say('ou_health_liaison', '/yq assess 某政策\n发布日期: 2026-11-20\n风险等级: 低\n关键词: 某政策', 'oc_health')).toContain('已经过去了（今天是 2026-11-27）');
    expect(await count(assessments)).toBe(0);
    expect(await db.db.select().from(auditLog).where(like(auditLog.subject, 'assessment:%'))).toEqual([]);
    // Only the two replies went out.
    expect(await count(outbox)).toBe(outboxBefore + 2);

    // Someone who serves no unit (a county leader) may not register one: refused and logged.
    const securityBefore = await count(securityEvents);
    expect(await d.say('ou_vice_wang', FULL_HIGH, 'oc_vice', 'p2p')).toContain('无法执行：只有各单位的联络人、负责人可以登记舆情风险评估');
    expect(await count(securityEvents)).toBe(securityBefore + 1);
    expect(await count(assessments)).toBe(0);
  });

  it('a high-risk assessment cannot be marked ready without the leader approving it; a wrong approver is refused and logged', async () => {
    const reply = await d.say('ou_health_liaison', FULL_HIGH, 'oc_health');
    expect(reply).toContain('已登记舆情风险评估');
    expect(reply).toContain('县卫健委，高风险，计划 12月15日（周二） 发布');
    expect(reply).toContain('高风险评估须经本单位负责人审批');
    const id = idIn(reply);
    expect(await findAssessment(db.db, id)).toMatchObject({ unitCode: 'health', createdBy: 'ou_health_liaison', releaseDate: '2026-12-15', riskLevel: 'high', state: 'draft', keywords: ['停车收费', '停车费'] });

    // The unit's group gets the card with its button; the news office and the propaganda dept
    // (no group: its people in private) get read-only copies.
    const unitCard = await d.cardWith('县城区停车收费标准调整', (m) => m.receiveId === 'oc_health');
    expect(buttonValues(unitCard.content)).toEqual([{ action: 'assess_request', assessment: id, v: 1 }]);
    const newsCard = await d.cardWith('县城区停车收费标准调整', (m) => m.receiveId === 'oc_news');
    expect(buttonValues(newsCard.content)).toEqual([]);
    for (const person of ['ou_prop_lead', 'ou_prop_liaison']) {
      const copy = await d.cardWith('县城区停车收费标准调整', (m) => m.receiveId === person);
      expect(buttonValues(copy.content)).toEqual([]);
    }
    expect(lark.messages.some((m) => m.receiveId === 'oc_police' && json(m).includes('县城区停车收费标准调整'))).toBe(false);

    // 标记就绪 on a high-risk assessment (e.g. a crafted click) is refused by the state rules.
    const direct = await d.click('ou_health_lead', { action: 'assess_ready', assessment: id }, 'oc_health', { messageId: unitCard.messageId });
    expect(direct.toast).toEqual({ type: 'warning', content: '高风险评估须经本单位负责人审批后才能标记就绪，请点“提请负责人审批”。' });
    expect((await findAssessment(db.db, id))!.state).toBe('draft');

    harness.clock.set(new Date(AT.getTime() + 10 * 60_000));
    const requested = await d.click('ou_health_liaison', { action: 'assess_request', assessment: id, v: 1 }, 'oc_health', { messageId: unitCard.messageId });
    expect(requested.toast).toEqual({ type: 'success', content: `已提请本单位负责人审批风险评估 #${id}` });
    expect(validateCard(requested.card!.data)).toMatchObject({ ok: true });
    expect(buttonValues(requested.card!.data)).toEqual([
      { action: 'assess_approve', assessment: id, v: 2 },
      { action: 'assess_return', assessment: id, v: 2 },
    ]);
    expect((await findAssessment(db.db, id))!.state).toBe('awaiting_approval');
    // Both leaders are told in private.
    for (const leader of ['ou_health_lead', 'ou_health_deputy']) {
      await eventually(() => expect(lark.messages.some((m) => m.receiveId === leader && json(m).includes('提请审批'))).toBe(true));
    }

    // The liaison, the news office and another unit's leader may not approve: each refusal is a
    // security event and changes nothing.
    const before = await findAssessment(db.db, id);
    const auditBefore = await assessmentAudit(id);
    for (const [who, chat] of [['ou_health_liaison', 'oc_health'], ['ou_news_staff', 'oc_news'], ['ou_edu_lead', 'oc_health']] as const) {
      const securityBefore = await count(securityEvents);
      const refused = await d.click(who, { action: 'assess_approve', assessment: id, v: 2 }, chat, { messageId: unitCard.messageId, formValue: { comment: '同意' } });
      expect(refused.toast).toEqual({ type: 'error', content: '只有评估单位的负责人可以审批这份舆情风险评估。' });
      expect(await count(securityEvents)).toBe(securityBefore + 1);
      const [event] = await db.db.select().from(securityEvents).orderBy(sql`${securityEvents.id} desc`).limit(1);
      expect(event).toMatchObject({ kind: 'refused_action', actor: who, action: 'approve_assessment', reason: 'not_unit_leader' });
    }
    expect(await findAssessment(db.db, id)).toEqual(before);
    expect(await assessmentAudit(id)).toEqual(auditBefore);

    // Returning needs a reason.
    const noReason = await d.click('ou_health_lead', { action: 'assess_return', assessment: id }, 'oc_health', { messageId: unitCard.messageId, formValue: { comment: ' ' } });
    expect(noReason.toast).toEqual({ type: 'warning', content: '退回修改时请填写审批意见，说明要改什么。' });

    // The unit's leader approves: it is ready, and every copy says so.
    harness.clock.set(new Date(AT.getTime() + 30 * 60_000));
    const approved = await d.click('ou_health_lead', { action: 'assess_approve', assessment: id, v: 2 }, 'oc_health', { messageId: unitCard.messageId, formValue: { comment: '' } });
    expect(approved.toast).toEqual({ type: 'success', content: `已审批通过风险评估 #${id}` });
    expect(buttonValues(approved.card!.data)).toEqual([]);
    expect(JSON.stringify(approved.card!.data)).toContain('由 杨主任 审批通过');
    expect(await findAssessment(db.db, id)).toMatchObject({ state: 'ready', approvedBy: 'ou_health_lead', approvedAt: new Date(AT.getTime() + 30 * 60_000), approvalRequestedBy: 'ou_health_liaison' });
    expect(await assessmentAudit(id)).toEqual([
      ['ou_health_liaison', 'assessment.registered'],
      ['ou_health_liaison', 'assessment.approval_requested'],
      ['ou_health_lead', 'assessment.approved'],
    ]);
    await eventually(() => expect(JSON.stringify(latestPatch(newsCard.messageId)?.content ?? {})).toContain('已就绪'));
    expect(validateCard(latestPatch(newsCard.messageId)!.content)).toMatchObject({ ok: true });
    await eventually(() => expect(lark.messages.some((m) => m.receiveId === 'ou_health_liaison' && json(m).includes('审批通过'))).toBe(true));

    // Approval again is refused by the state rules; an edit sends it back to draft, to be approved anew.
    const twice = await d.click('ou_health_lead', { action: 'assess_approve', assessment: id }, 'oc_health', { messageId: unitCard.messageId });
    expect(twice.toast?.type).toBe('warning');
    const edited = await d.say('ou_health_liaison', `/yq assess update ${id}\n口径: 首小时免费，居民包月价格不变`, 'oc_health');
    expect(edited).toContain(`已修改舆情风险评估 #${id}：口径。`);
    expect(edited).toContain('评估回到“待完善”');
    expect(await findAssessment(db.db, id)).toMatchObject({ state: 'draft', wording: '首小时免费，居民包月价格不变' });
    // Another unit's liaison may not edit it.
    const securityBefore = await count(securityEvents);
    expect(await d.say('ou_edu_liaison', `/yq assess update ${id}\n口径: 改掉`, 'oc_edu', 'p2p')).toContain('无法执行');
    expect(await count(securityEvents)).toBe(securityBefore + 1);
    expect((await findAssessment(db.db, id))!.wording).toBe('首小时免费，居民包月价格不变');
  });

  it('low and medium risk: the unit marks it ready once risks, plan and wording are there', async () => {
    harness.clock.set(new Date(AT.getTime() + 40 * 60_000));
    const reply = await d.say('ou_edu_liaison', '/yq assess 秋季学期学区划分调整\n发布日期: 12月20日\n风险等级: 中\n关键词: 学区划分', 'oc_edu', 'p2p');
    const id = idIn(reply);
    expect(reply).toContain('还缺：风险点、应对预案、口径');
    expect(await findAssessment(db.db, id)).toMatchObject({ unitCode: 'education', riskLevel: 'medium', releaseDate: '2026-12-20' });
    // The education bureau has no group: its people get their own copy, with the button.
    const copy = await d.cardWith('秋季学期学区划分调整', (m) => m.receiveId === 'ou_edu_liaison');
    expect(buttonValues(copy.content)).toEqual([{ action: 'assess_ready', assessment: id, v: 1 }]);
    const early = await d.click('ou_edu_liaison', { action: 'assess_ready', assessment: id }, 'oc_p2p_edu', { messageId: copy.messageId });
    expect(early.toast?.content).toContain('还缺：风险点、应对预案、口径');
    await d.say('ou_edu_liaison', `/yq assess update ${id}\n风险点: 部分家长担心划片不公\n应对预案: 公布划片依据\n口径: 按户籍和实际居住划片`, 'oc_edu', 'p2p');
    const ready = await d.click('ou_edu_liaison', { action: 'assess_ready', assessment: id }, 'oc_p2p_edu', { messageId: copy.messageId });
    expect(ready.toast).toEqual({ type: 'success', content: `风险评估 #${id} 已标记就绪` });
    expect((await findAssessment(db.db, id))!.state).toBe('ready');

    const list = await d.say('ou_news_staff', '/yq assess list', 'oc_news');
    expect(list).toContain(`#${id} 县教育局「秋季学期学区划分调整」 · 12月20日（周日）发布 · 中风险 · 已就绪`);
    expect(list).toContain('县卫健委「县城区停车收费标准调整」');
    // A unit sees only its own.
    const own = await d.say('ou_edu_liaison', '/yq assess list', 'oc_edu', 'p2p');
    expect(own).toContain('秋季学期学区划分调整');
    expect(own).not.toContain('县城区停车收费标准调整');
  });

  it('/yq assess alone posts the form; its submit registers the same way, and bad values change nothing', async () => {
    harness.clock.set(new Date(AT.getTime() + 50 * 60_000));
    await d.say('ou_health_lead', '/舆情 评估', 'oc_health');
    const form = await d.cardWith('assess_submit', (m) => m.replyTo !== undefined);
    expect(validateCard(form.content)).toMatchObject({ ok: true });
    expect(json(form)).toContain('**评估单位**：县卫健委');
    const before = await count(assessments);
    const bad = await d.click('ou_health_lead', { action: 'assess_submit' }, 'oc_health', {
      messageId: form.messageId,
      formValue: { name: '冬季供暖收费调整', release: '2026-11-01 +0800', level: 'extreme', keywords: '暖' },
    });
    expect(bad.toast?.type).toBe('warning');
    expect(bad.toast?.content).toContain('计划发布日期“2026-11-01”已经过去了');
    expect(bad.toast?.content).toContain('风险等级“extreme”不在可选项中');
    expect(bad.toast?.content).toContain('关键词“暖”太短');
    expect(await count(assessments)).toBe(before);
    const done = await d.click('ou_health_lead', { action: 'assess_submit' }, 'oc_health', {
      messageId: form.messageId,
      formValue: { name: '冬季供暖收费调整', release: '2026-12-25 +0800', level: 'low', keywords: '供暖费、暖气费', plan: '公布收费依据', drill: 'no' },
    });
    expect(done.toast?.content).toMatch(/^已登记风险评估 #\d+$/);
    const id = Number(/#(\d+)/.exec(done.toast!.content)![1]);
    expect(await findAssessment(db.db, id)).toMatchObject({ unitCode: 'health', createdBy: 'ou_health_lead', releaseDate: '2026-12-25', riskLevel: 'low', keywords: ['供暖费', '暖气费'], plan: '公布收费依据', state: 'draft' });
    await d.cardWith('冬季供暖收费调整', (m) => m.receiveId === 'oc_news');
  });

  it('the release-date reminder fires once, N days before, while the plan is missing', async () => {
    // Release Tuesday 12-01; remind_days_before 3 → Saturday 11-28 at 07:30 (end of quiet hours).
    harness.clock.set(local('2026-11-27T11:00:00'));
    const reply = await d.say('ou_health_liaison', '/yq assess 县医院门诊挂号费调整\n发布日期: 2026-12-01\n风险等级: 中\n口径: 挂号费按省定标准执行\n关键词: 挂号费', 'oc_health');
    const id = idIn(reply);
    const complete = idIn(
      await d.say('ou_health_liaison', '/yq assess 县医院停车场开放\n发布日期: 2026-12-01\n风险等级: 低\n风险点: 无\n应对预案: 张贴公告\n口径: 免费开放\n关键词: 医院停车场', 'oc_health'),
    );
    const unitCard = await d.cardWith('县医院门诊挂号费调整', (m) => m.receiveId === 'oc_health');
    const reminders = () => lark.messages.filter((m) => m.replyTo === unitCard.messageId && json(m).includes('还缺'));
    const reminded = async () => (await assessmentAudit(id)).filter(([, action]) => action === 'assessment.reminded').length;

    harness.clock.set(local('2026-11-28T07:29:00'));
    await harness.app.runJobs();
    await settle();
    expect(reminders()).toEqual([]);
    expect(await reminded()).toBe(0);

    harness.clock.set(local('2026-11-28T07:31:00'));
    await harness.app.runJobs();
    const sent = await eventually(() => {
      const [found] = reminders();
      if (!found) throw new Error('no reminder yet');
      return found;
    });
    expect(d.text(sent)).toContain(`舆情风险评估 #${id}「县医院门诊挂号费调整」计划于 12月1日（周二） 发布，还缺：应对预案。`);
    expect(d.text(sent)).toContain(`/yq assess update ${id}`);
    // The unit's liaison and leaders are @mentioned in the group.
    for (const person of ['ou_health_liaison', 'ou_health_lead', 'ou_health_deputy']) expect(d.text(sent)).toContain(`<at user_id="${person}"></at>`);
    expect(await findAssessment(db.db, id)).toMatchObject({ remindedFor: '2026-12-01' });

    // Later sweeps do not remind again, and the complete one is never reminded.
    harness.clock.set(local('2026-11-29T09:00:00'));
    await harness.app.runJobs();
    harness.clock.set(local('2026-12-01T09:00:00'));
    await harness.app.runJobs();
    await settle();
    expect(reminders()).toHaveLength(1);
    expect(await reminded()).toBe(1);
    expect((await assessmentAudit(complete)).map(([, action]) => action)).toEqual(['assessment.registered']);
    expect((await findAssessment(db.db, complete))!.remindedFor).toBeNull();
    // Every card copy says the unit was reminded.
    await eventually(() => expect(JSON.stringify(latestPatch(unitCard.messageId)?.content ?? {})).toContain('已提醒本单位'));
  });

  it('an item registered within two weeks after the release that matches a keyword is linked; others are not', async () => {
    // Registered before its release (clock at 12-01 09:00 above): release on 12-02.
    harness.clock.set(local('2026-12-01T09:30:00'));
    const id = idIn(await d.say('ou_health_liaison', '/yq assess 城区公共停车场收费调整\n发布日期: 2026-12-02\n风险等级: 低\n关键词: 停车费、停车场收费', 'oc_health'));
    const unitCard = await d.cardWith('城区公共停车场收费调整', (m) => m.receiveId === 'oc_health');
    const newsCard = await d.cardWith('城区公共停车场收费调整', (m) => m.receiveId === 'oc_news');

    // Before the release: no link.
    await d.say('ou_news_staff', '/yq new 有网民议论停车费将上涨\n部门: 卫健委', 'oc_news');
    const early = (await findItemByRef(db.db, 'YQ-20261201-001'))!;
    expect(await db.db.select().from(assessmentLinks).where(eq(assessmentLinks.itemId, early.id))).toEqual([]);

    // Two days after the release: a matching item is linked in its registration transaction.
    harness.clock.set(local('2026-12-04T10:00:00'));
    await d.say('ou_news_staff', '/yq new 城区停车费涨价引发市民不满\n部门: 卫健委\n摘要: 网民称新标准下停车费翻倍', 'oc_news');
    const item = (await findItemByRef(db.db, 'YQ-20261204-001'))!;
    const links = await db.db.select().from(assessmentLinks).where(eq(assessmentLinks.itemId, item.id));
    expect(links).toEqual([expect.objectContaining({ assessmentId: id, keyword: '停车费', linkedAt: local('2026-12-04T10:00:00') })]);
    // The other parking assessment (keywords 停车收费、停车费, release 12-15) has not been released yet.
    expect(links).toHaveLength(1);
    expect(
      (await db.db.select().from(auditLog).where(and(eq(auditLog.itemId, item.id), eq(auditLog.action, 'item.assessment_linked')))).map((row) => row.after),
    ).toEqual([{ assessment: id, name: '城区公共停车场收费调整', unit: '县卫健委', keyword: '停车费' }]);
    expect((await assessmentAudit(id)).map(([, action]) => action)).toEqual(['assessment.registered', 'assessment.item_linked']);

    // The news office sees it on the item card (fact and timeline); the unit is told under its card.
    const itemCard = await d.cardWith('YQ-20261204-001', (m) => m.receiveId === 'oc_news');
    // Markdown escapes the # (shown as \\# in the card's JSON).
    expect(json(itemCard)).toContain(`**风险评估**：\\\\#${id} 县卫健委「城区公共停车场收费调整」（低风险，12月2日发布，待完善；关键词：停车费）`);
    expect(json(itemCard)).toContain(`关联舆情风险评估 \\\\#${id}「城区公共停车场收费调整」（关键词：停车费）`);
    const told = await eventually(() => {
      const found = lark.messages.find((m) => m.replyTo === unitCard.messageId && json(m).includes('YQ-20261204-001'));
      if (!found) throw new Error('unit not told');
      return found;
    });
    expect(d.text(told)).toContain('已关联到本评估');
    await eventually(() => expect(JSON.stringify(latestPatch(newsCard.messageId)?.content ?? {})).toContain('YQ-20261204-001「城区停车费涨价引发市民不满」（关键词：停车费）'));
    const shown = await d.say('ou_news_staff', `/yq assess show ${id}`, 'oc_news');
    expect(shown).toContain('• YQ-20261204-001「城区停车费涨价引发市民不满」（关键词：停车费）');

    // Not matching, a drill, or after the window: not linked.
    await d.say('ou_news_staff', '/yq new 县医院食堂饭菜质量被吐槽\n部门: 卫健委', 'oc_news');
    await d.say('ou_news_staff', '/yq new 演练：停车费上涨传言\n部门: 卫健委\n演练: 是', 'oc_news');
    harness.clock.set(local('2026-12-16T10:00:00')); // release + 14 days: the last day linked
    await d.say('ou_news_staff', '/yq new 停车费新标准执行两周仍有争议\n部门: 卫健委', 'oc_news');
    harness.clock.set(local('2026-12-17T10:00:00'));
    await d.say('ou_news_staff', '/yq new 停车费问题再引热议\n部门: 卫健委', 'oc_news');
    const linkedRefs = await db.db
      .select({ ref: sql<string>`(select ref from items where items.id = ${assessmentLinks.itemId})` })
      .from(assessmentLinks)
      .where(eq(assessmentLinks.assessmentId, id))
      .orderBy(assessmentLinks.id);
    expect(linkedRefs.map((row) => row.ref)).toEqual(['YQ-20261204-001', 'YQ-20261216-001']);
    // The 12-16 and 12-17 items also match 停车费 of the first assessment, released on 12-15.
    expect(await count(assessmentLinks)).toBe(4);
  });
});
