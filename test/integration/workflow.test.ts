import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { findItemByRef, unitsOfItem } from '../../src/db/queries/items.js';
import { auditLog, confirmations, consultations, drafts, handoverAcks, publications, securityEvents, verifications } from '../../src/db/schema/index.js';
import { eventually } from '../helpers/app.js';
import { rowCount } from '../helpers/db.js';
import { useAppHarness } from '../helpers/harness.js';

const AT = new Date('2026-11-27T02:00:00Z');

describe('the response workflow, end to end', () => {
  const { db, lark, d } = useAppHarness({ at: AT });
  const securityCount = () => rowCount(db.db, securityEvents);
  const item = async (ref: string) => (await findItemByRef(db.db, ref))!;

  it('a general item: dispute, verification with rectification, a returned draft, a co-sign that holds publication back, rectification, recurrence', async () => {
    const registered = await d.say('ou_news_staff', '/yq new 县医院收费不透明 网友质疑乱收费\n部门: 卫健委, 教育局\n类别: 民生\n类型: 咨询投诉', 'oc_news');
    expect(registered).toMatch(/^已登记 YQ-20261127-001/);
    const ref = 'YQ-20261127-001';
    const id = (await item(ref)).id;
    const base = { item: id };

    // Routing dispute: the lead unit asks for the education bureau; the news office insists.
    const disputeOpen = await d.click('ou_health_liaison', { ...base, action: 'open_form', form: 'dispute' }, 'oc_health', { messageId: 'om_health_card' });
    expect(disputeOpen.toast?.type).toBe('info');
    const disputeForm = await d.cardWith('dispute_submit', (m) => m.replyTo === 'om_health_card');
    expect(disputeForm.replyTo).toBe('om_health_card');
    await d.click('ou_health_liaison', { ...base, action: 'dispute_submit' }, 'oc_health', { formValue: { reason: '收费属于医保局职责', suggested: 'education' } });
    const decision = await d.cardWith('dispute_insist');
    expect(JSON.stringify(decision.content)).toContain('收费属于医保局职责');
    const disputeId = Number(/"dispute":(\d+)/.exec(JSON.stringify(decision.content))![1]);
    const insisted = await d.click('ou_news_staff', { ...base, action: 'dispute_insist', dispute: disputeId }, 'oc_news', { formValue: { note: '医院归口卫健委管理' } });
    expect(insisted.toast).toEqual({ type: 'success', content: '维持原牵头单位' });
    expect((await unitsOfItem(db.db, id)).lead).toBe('health');

    // Verification (counts as acknowledging), with rectification due 30 November.
    const verified = await d.click('ou_health_liaison', { ...base, action: 'verify_submit' }, 'oc_health', {
      formValue: { outcome: 'true', findings: '部分项目未公示', rectification: 'yes', measures: '公示收费目录', rectify_by: '2026-11-30 +0800' },
    });
    expect(verified.toast?.content).toBe('核实情况已提交');
    expect((await item(ref)).state).toBe('verified');

    // Draft v1, returned by the leader; v2 approved.
    await d.click('ou_health_liaison', { ...base, action: 'draft_submit' }, 'oc_health', { formValue: { text_1: '经核实，县医院部分收费项目未公示。' } });
    expect((await item(ref)).state).toBe('in_review');
    await d.cardWith('"approve_draft"');
    const before = await securityCount();
    const selfApprove = await d.click('ou_health_liaison', { ...base, action: 'approve_draft', draft: 1 }, 'oc_health');
    expect(selfApprove.toast?.type).toBe('error');
    expect(await securityCount()).toBe(before + 1);
    const noComment = await d.click('ou_health_lead', { ...base, action: 'return_draft', draft: 1 }, 'oc_health', { formValue: { comment: '' } });
    expect(noComment.toast).toEqual({ type: 'warning', content: '退回时请写明修改意见。' });
    await d.click('ou_health_lead', { ...base, action: 'return_draft', draft: 1 }, 'oc_health', { formValue: { comment: '请写明整改时限' } });
    expect((await item(ref)).state).toBe('drafting');
    await d.cardWith('请写明整改时限', (m) => JSON.stringify(m.content).includes('draft_submit'));
    await d.click('ou_health_liaison', { ...base, action: 'draft_submit' }, 'oc_health', { formValue: { text_1: '经核实，县医院部分收费项目未公示。', text_2: '医院将于11月30日前完成公示整改。' } });
    const review = await d.cardWith('"draft":2');
    expect(JSON.stringify(review.content)).toContain('11月30日前完成公示整改');
    const approved = await d.click('ou_health_lead', { ...base, action: 'approve_draft', draft: 2 }, 'oc_health', { formValue: { comment: '同意' } });
    expect(approved.toast?.content).toBe('审核通过');
    expect((await item(ref)).state).toBe('approved');

    // The cooperating unit (no chat: its people in private) is asked to co-sign; publication waits.
    await d.cardWith('"confirm_wording"', (m) => m.receiveId === undefined || m.receiveId === 'ou_edu_liaison' || m.replyTo !== undefined);
    const held = await d.click('ou_health_liaison', { ...base, action: 'publication_submit' }, 'oc_health', { formValue: { channel: 'website', link: 'https://www.example.gov.cn/x', published_at: '2026-11-27 10:00 +0800', draft: '2' } });
    expect(held.toast?.type).toBe('warning');
    expect(held.toast?.content).toContain('未确认（会签）');
    expect(await db.db.select().from(publications)).toHaveLength(0);
    const notCooperating = await d.click('ou_health_liaison', { ...base, action: 'confirm_wording', draft: 2, unit: 'education', agree: true }, 'oc_health');
    expect(notCooperating.toast?.type).toBe('error');
    await d.click('ou_edu_liaison', { ...base, action: 'confirm_wording', draft: 2, unit: 'education', agree: true }, 'oc_p2p_edu');
    expect(await db.db.select().from(confirmations)).toMatchObject([{ unitCode: 'education', agree: true, draftVersion: 2 }]);
    const published = await d.click('ou_health_liaison', { ...base, action: 'publication_submit' }, 'oc_health', { formValue: { channel: 'website', link: 'https://www.example.gov.cn/x', published_at: '2026-11-27 10:00 +0800', draft: '2' } });
    expect(published.toast?.content).toBe('发布已登记');
    expect((await item(ref)).state).toBe('watching');
    expect(await db.db.select().from(publications)).toMatchObject([{ channel: 'website', draftVersion: 2 }]);

    // Rectification done; the card shows it met.
    await d.click('ou_health_liaison', { ...base, action: 'rectification_submit' }, 'oc_health', { formValue: { note: '收费目录已公示', done_at: '2026-11-27 10:00 +0800' } });

    // It comes back: recurrence reopens it with its history, to the lead unit again.
    const recurred = await d.say('ou_news_staff', `/yq recur ${ref} 网友称公示不全`, 'oc_news');
    expect(recurred).toBe(`已重新打开 ${ref}，交牵头单位重新认领。`);
    expect((await item(ref)).state).toBe('dispatched');
    await d.messageWith('舆情反复（YQ-20261127-001）：网友称公示不全');

    const trail = await db.db.select().from(auditLog).where(eq(auditLog.itemId, id)).orderBy(auditLog.id);
    expect(trail.map((row) => row.action)).toEqual([
      'item.registered',
      'item.dispute_raised',
      'item.dispute_insisted',
      'item.acknowledged',
      'item.verified',
      'item.draft_submitted',
      'item.draft_returned',
      'item.draft_submitted',
      'item.draft_approved',
      'item.wording_confirmed',
      'item.published',
      'item.watch_started',
      'item.rectified',
      'item.recurred',
      'item.redispatched',
    ]);
    expect(trail.find((row) => row.action === 'item.draft_approved')?.actor).toBe('ou_health_lead');
    const [draft2] = await db.db.select().from(drafts).where(sql`item_id = ${id} and version = 2`);
    expect(draft2).toMatchObject({ decision: 'approved', reviewer: 'ou_health_lead', drafter: 'ou_health_liaison' });
    expect(draft2!.textHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await db.db.select().from(verifications)).toMatchObject([{ outcome: 'true', rectificationNeeded: true, rectifyBy: '2026-11-30' }]);

    // Every copy of the card shows the same state.
    const show = await d.say('ou_news_staff', `/yq show ${ref}`, 'oc_news');
    expect(show).toContain('已交办');
  });

  it('a critical rumour: immediate report, hand-over to the police, joint consultation with 报审, instruction, press conference', async () => {
    await d.say('ou_news_staff', '/yq new 网传县医院发生医疗事故致多人死亡\n级别: 特别重大\n类别: 谣言\n部门: 卫健委', 'oc_news');
    const ref = 'YQ-20261127-002';
    const id = (await item(ref)).id;
    const base = { item: id };
    const leaderCard = await d.cardWith('网传县医院发生医疗事故', (m) => m.receiveId === 'ou_vice_wang');
    await eventually(() => expect(lark.urgents).toContainEqual({ messageId: leaderCard.messageId, userIds: ['ou_vice_wang'] }));

    // Hand-over to the police with the evidence; the police acknowledge.
    await d.click('ou_news_staff', { ...base, action: 'handover_submit' }, 'oc_news', { formValue: { targets: ['police'], evidence: '原帖截图与转发链' } });
    const dossier = await d.cardWith('"handover_ack"', (m) => m.receiveId === 'oc_police');
    const handoverId = Number(/"handover":(\d+)/.exec(JSON.stringify(dossier.content))![1]);
    const wrongAck = await d.click('ou_health_liaison', { ...base, action: 'handover_ack', handover: handoverId }, 'oc_police');
    expect(wrongAck.toast?.type).toBe('error');
    await d.click('ou_police_liaison', { ...base, action: 'handover_ack', handover: handoverId }, 'oc_police');
    expect(await db.db.select().from(handoverAcks)).toMatchObject([{ unitCode: 'police', by: 'ou_police_liaison' }]);

    // The propaganda dept convenes the joint consultation.
    const convened = await d.click('ou_prop_lead', { ...base, action: 'convene' }, 'oc_p2p_prop');
    expect(convened.toast?.content).toBe('会商群正在创建');
    await eventually(() => expect(lark.chats).toHaveLength(1));
    expect(lark.chats[0]!.userIds).toEqual(expect.arrayContaining(['ou_prop_lead', 'ou_health_liaison', 'ou_news_staff', 'ou_police_lead']));
    const chatId = lark.chats[0]!.chatId;
    const recordForm = await d.cardWith('consultation_submit', (m) => m.receiveId === chatId);
    await d.cardWith('重大舆情会商', (m) => m.receiveId === chatId);
    const consultationId = Number(/"consultation":(\d+)/.exec(JSON.stringify(recordForm.content))![1]);
    await d.click('ou_prop_lead', { ...base, action: 'consultation_submit', consultation: consultationId }, chatId, {
      formValue: { nature: '谣言', trend: '转发量上升', risks: '引发恐慌', disposal: '卫健委发布权威信息，公安查处造谣者', wording: '经核实，网传信息不实，县医院运行正常。', assign: ['health'] },
    });
    const approvalCard = await d.cardWith('"approve_disposal"', (m) => m.receiveId === 'ou_vice_wang');
    expect(JSON.stringify(approvalCard.content)).toContain('卫健委发布权威信息');
    const notLeader = await d.click('ou_prop_lead', { ...base, action: 'approve_disposal', consultation: consultationId, agree: true }, 'oc_p2p_prop');
    expect(notLeader.toast?.type).toBe('error');
    await d.click('ou_vice_wang', { ...base, action: 'approve_disposal', consultation: consultationId, agree: true }, 'oc_p2p_wang', { formValue: { comment: '同意，尽快发布' } });
    expect(await db.db.select().from(consultations)).toMatchObject([{ approval: 'approved', approvedBy: 'ou_vice_wang', disposal: '卫健委发布权威信息，公安查处造谣者' }]);
    await d.messageWith('王副县长同意处置意见');
    await d.messageWith('联席会议交办（YQ-20261127-002）');

    // Instruction from the county leader reaches the lead unit.
    await d.click('ou_vice_wang', { ...base, action: 'instruction_submit' }, 'oc_p2p_wang', { formValue: { text: '24小时内召开新闻发布会' } });
    await d.messageWith('王副县长批示（YQ-20261127-002）：24小时内召开新闻发布会');
    const feedback = await d.say('ou_health_liaison', `/yq feedback ${ref} 已发布辟谣信息`, 'oc_health');
    expect(feedback).toBe('处置情况已同时报送县政府办、县委宣传部、县新闻办（网信办）。');
    await d.messageWith('报送处置情况（YQ-20261127-002）：已发布辟谣信息');

    // A critical item's respond clock is met only by a press conference (the news office overrides approval here).
    await d.click('ou_news_staff', { ...base, action: 'publication_submit' }, 'oc_news', { formValue: { channel: 'press_conference', published_at: '2026-11-27 10:00 +0800', override_reason: '事态紧急，先行召开发布会' } });
    expect((await item(ref)).state).toBe('watching');
    const show = await d.say('ou_news_staff', `/yq show ${ref}`, 'oc_news');
    expect(show).toContain('跟踪中');
  });
});
