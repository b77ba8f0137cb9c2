import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { consultationDossierCard, consultationRecordCard } from '../../../cards/forms/consultation.js';
import { disposalApprovalCard } from '../../../cards/forms/disposal-approval.js';
import { receiptCard } from '../../../cards/forms/receipt.js';
import type { Tx } from '../../db/client.js';
import { unitsOfItem, type ItemRow } from '../../db/queries/items.js';
import { countyLeadersOverseeing, effectiveRoster, findUnit, listActiveUnits, openIdsOf } from '../../db/queries/organisation.js';
import { enqueueOutbox } from '../../db/queries/outbox.js';
import { consultationsOf, draftsOf, findConsultation } from '../../db/queries/records.js';
import { consultations, drafts } from '../../db/schema/index.js';
import { transition, type ItemState } from '../../domain/lifecycle.js';
import { BadPayloadError, InputError } from '../errors.js';
import { itemCardView } from '../item-view.js';
import type { ConsultationValue, DisposalValue, ItemValue } from './values.js';
import { answer, clickedItem, field, fieldList, requireFields, requirePermission, saveAndAnswer, saveItemChange, type ActionHandler } from './common.js';

const MAX_CREATE_MEMBERS = 50;

async function peopleOf(tx: Tx, unitCodes: string[]): Promise<string[]> {
  const keys = new Set<string>();
  for (const code of unitCodes) {
    const roster = await effectiveRoster(tx, code);
    for (const key of [...roster.leader, ...roster.liaison, ...roster.member]) keys.add(key);
  }
  return openIdsOf(tx, [...keys]);
}

/**
 * R10: the propaganda dept (or the news office) convenes the joint consultation: a group with the
 * member units, the lead unit and the news office, the dossier, and the record form.
 */
export const convene: ActionHandler<ItemValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  await requirePermission(ctx, item, 'convene_consultation');
  const open = (await consultationsOf(ctx.tx, item.id)).find((c) => !c.recordedAt);
  if (open) throw new InputError('这条舆情已有一次会商正在进行。');
  const all = await listActiveUnits(ctx.tx);
  const { lead } = await unitsOfItem(ctx.tx, item.id);
  const memberUnits = all.filter((u) => u.jointMeeting || u.role === 'news_office' || u.role === 'propaganda' || u.code === lead).map((u) => u.code);
  const members = [...new Set([ctx.actor.openId, ...(await peopleOf(ctx.tx, memberUnits))])];
  const n = (await consultationsOf(ctx.tx, item.id)).length + 1;
  const chatKey = `consult:${item.id}:${n}`;
  const [row] = await ctx.tx.insert(consultations).values({ itemId: item.id, chatKey, convenedBy: ctx.actor.openId, convenedAt: ctx.view.now }).returning();
  const name = `会商｜${item.ref} ${item.title}`.slice(0, 60);
  await enqueueOutbox(ctx.tx, chatKey, { kind: 'create_chat', name, description: `重大政务舆情会商：${item.title}`, openIds: members.slice(0, MAX_CREATE_MEMBERS) }, ctx.view.now);
  for (let i = MAX_CREATE_MEMBERS; i < members.length; i += MAX_CREATE_MEMBERS) {
    await enqueueOutbox(ctx.tx, `${chatKey}:members:${i}`, { kind: 'add_members', target: { createdChat: chatKey }, openIds: members.slice(i, i + MAX_CREATE_MEMBERS) }, ctx.view.now);
  }
  const view = await itemCardView(ctx.tx, item, 'observer', ctx.view);
  const memberNames = all.filter((u) => memberUnits.includes(u.code)).map((u) => u.name);
  const dossier = consultationDossierCard({
    itemId: item.id,
    ref: item.ref,
    title: item.title,
    summary: item.summary ?? undefined,
    url: item.url ?? undefined,
    leadUnit: view.leadUnit,
    clocks: view.clocks.map(({ label, due, detail }) => ({ label, due, detail })),
    timeline: view.timeline,
    members: memberNames,
  });
  await enqueueOutbox(ctx.tx, `${chatKey}:dossier`, { kind: 'send', target: { createdChat: chatKey }, message: { msgType: 'interactive', card: dossier } }, ctx.view.now);
  const record = consultationRecordCard({ itemId: item.id, ref: item.ref, title: item.title, consultationId: row!.id, assignableUnits: all.filter((u) => u.role !== 'news_office').map((u) => ({ code: u.code, name: u.name })) });
  await enqueueOutbox(ctx.tx, `${chatKey}:record`, { kind: 'send', target: { createdChat: chatKey }, message: { msgType: 'interactive', card: record } }, ctx.view.now);
  return saveAndAnswer(ctx, item, { action: 'item.consultation_convened', changes: {}, after: { consultation: row!.id, members: members.length } }, '会商群正在创建');
};

/** The meeting's record; the disposal opinion goes to the county leader (报审); the wording becomes a draft. */
export const consultationSubmit: ActionHandler<ConsultationValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  await requirePermission(ctx, item, 'record_consultation');
  requireFields(ctx, { disposal: '处置意见', wording: '统一口径' });
  const consultation = await findConsultation(ctx.tx, ctx.value.consultation);
  if (!consultation) throw new BadPayloadError('consultation', 'not_found');
  if (consultation.itemId !== item.id) throw new BadPayloadError('consultation', 'other_item');
  if (consultation.recordedAt) throw new InputError('这次会商已经记录过了。');
  const assigned = fieldList(ctx, 'assign');
  const record = { nature: field(ctx, 'nature') || null, trend: field(ctx, 'trend') || null, risks: field(ctx, 'risks') || null, disposal: field(ctx, 'disposal'), wording: field(ctx, 'wording'), assigned };
  await ctx.tx.update(consultations).set({ ...record, recordedBy: ctx.actor.openId, recordedAt: ctx.view.now }).where(eq(consultations.id, consultation.id));
  // The agreed wording becomes the next draft for the lead unit's leader to approve.
  let state = item.state as ItemState;
  const submit = transition(state === 'approved' ? 'drafting' : state, 'submit_draft');
  const version = ((await draftsOf(ctx.tx, item.id)).at(-1)?.version ?? 0) + 1;
  await ctx.tx.insert(drafts).values({ itemId: item.id, version, text: record.wording, textHash: createHash('sha256').update(record.wording).digest('hex'), note: '会商统一口径', drafter: ctx.actor.openId, submittedAt: ctx.view.now });
  if (submit.ok) state = submit.to;
  let updated: ItemRow = await saveItemChange(ctx, item, 'item.consultation_recorded', { state }, { consultation: consultation.id, draftVersion: version, assigned });
  const { lead } = await unitsOfItem(ctx.tx, item.id);
  const approval = disposalApprovalCard({ itemId: item.id, ref: item.ref, title: item.title, consultationId: consultation.id, disposal: record.disposal, wording: record.wording, nature: record.nature ?? undefined, risks: record.risks ?? undefined });
  for (const openId of await countyLeadersOverseeing(ctx.tx, lead)) {
    await enqueueOutbox(ctx.tx, `disposal:${consultation.id}:${openId}`, { kind: 'send', target: { openId }, message: { msgType: 'interactive', card: approval } }, ctx.view.now);
  }
  for (const code of assigned) {
    const text = `联席会议交办（${item.ref}）：${record.disposal}\n请迅速处置和回应，并同时报送县政府办、县委宣传部和县新闻办（发送 /yq feedback ${item.ref} <处置情况>）。`;
    await enqueueOutbox(ctx.tx, `assigned:${consultation.id}:${code}`, { kind: 'send', target: { unit: code }, message: { msgType: 'text', text } }, ctx.view.now);
  }
  updated = await saveItemChange(ctx, updated, 'item.disposal_submitted', {}, { consultation: consultation.id });
  const names = await Promise.all(assigned.map(async (code) => (await findUnit(ctx.tx, code))?.name ?? code));
  const lines = [`处置意见：${record.disposal}`, `统一口径已作为第 ${version} 版回应稿提交审核`, '处置意见已报分管县领导审批'];
  if (names.length > 0) lines.push(`交办：${names.join('、')}`);
  return answer(ctx, updated, '会商记录已提交', receiptCard({ title: `会商记录 ${item.ref}`, lines, colour: 'blue', ref: item.ref }));
};

/** 报审: the county leader approves (or not) the disposal opinion before it is carried out. */
export const approveDisposal: ActionHandler<DisposalValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  await requirePermission(ctx, item, 'approve_disposal');
  const consultation = await findConsultation(ctx.tx, ctx.value.consultation);
  if (!consultation) throw new BadPayloadError('consultation', 'not_found');
  if (consultation.itemId !== item.id) throw new BadPayloadError('consultation', 'other_item');
  if (!consultation.recordedAt) throw new InputError('找不到待审批的处置意见。');
  if (consultation.approval) throw new InputError('这份处置意见已经审批过了。');
  const { agree } = ctx.value;
  const comment = field(ctx, 'comment');
  if (!agree && !comment) throw new InputError('不同意时请写明意见。');
  await ctx.tx.update(consultations).set({ approval: agree ? 'approved' : 'rejected', approvedBy: ctx.actor.openId, approvedAt: ctx.view.now, approvalComment: comment || null }).where(eq(consultations.id, consultation.id));
  const updated = await saveItemChange(ctx, item, agree ? 'item.disposal_approved' : 'item.disposal_rejected', {}, { consultation: consultation.id, comment: comment || null });
  const text = `${ctx.actor.name}${agree ? '同意' : '不同意'}处置意见（${item.ref}）${comment ? `：${comment}` : ''}`;
  await enqueueOutbox(ctx.tx, `disposal-result:${consultation.id}`, { kind: 'send', target: { createdChat: consultation.chatKey }, message: { msgType: 'text', text } }, ctx.view.now);
  return answer(ctx, updated, agree ? '已同意' : '已退回', receiptCard({ title: `处置意见${agree ? '已同意' : '未同意'} ${item.ref}`, lines: [text], colour: agree ? 'green' : 'orange', ref: item.ref }));
};
