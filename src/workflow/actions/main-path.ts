import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { cosignCard } from '../../../cards/forms/cosign.js';
import { draftFormCard, joinDraftParts, splitDraft } from '../../../cards/forms/draft.js';
import { receiptCard } from '../../../cards/forms/receipt.js';
import { reviewCard } from '../../../cards/forms/review.js';
import { CHANNELS, type Channel } from '../../domain/channels.js';
import { outcomeLabel, VERIFICATION_OUTCOMES, type VerificationOutcome } from '../../domain/verification.js';
import type { ItemState } from '../../domain/lifecycle.js';
import type { Tx } from '../../db/client.js';
import { unitsOfItem, type ItemRow } from '../../db/queries/items.js';
import { effectiveRoster, openIdsOf } from '../../db/queries/organisation.js';
import { confirmationsOf, draftsOf, type DraftRow } from '../../db/queries/records.js';
import { confirmations, drafts, publications, verifications } from '../../db/schema/index.js';
import { BadPayloadError, InputError, RefusedError } from '../errors.js';
import { formatLocalTime } from '../present.js';
import { parsePickerDate, parsePickerDateTime } from './card-time.js';
import { answer, clickedItem, field, nextState, requireFields, requirePermission, rolesOn, saveAndAnswer, saveItemChange, type ActionContext, type ActionHandler } from './common.js';
import { replyToCopies, textWithMentions } from './notify.js';
import type { ConfirmWordingValue, DraftValue, ItemValue } from './values.js';


export const acknowledge: ActionHandler<ItemValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  await requirePermission(ctx, item, 'acknowledge');
  if (item.state === 'acknowledged') throw new InputError('这条舆情已经被认领了。');
  const state = nextState(item, 'acknowledge');
  return saveAndAnswer(ctx, item, { action: 'item.acknowledged', changes: { state, acknowledgedAt: ctx.view.now } }, `已认领 ${item.ref}`);
};

export const verifySubmit: ActionHandler<ItemValue> = async (ctx) => {
  let item = await clickedItem(ctx);
  await requirePermission(ctx, item, 'verify');
  requireFields(ctx, { outcome: '核实结论', findings: '核实情况', rectification: '是否需要整改' });
  const outcome = field(ctx, 'outcome') as VerificationOutcome;
  if (!Object.hasOwn(VERIFICATION_OUTCOMES, outcome)) throw new InputError('核实结论只能是：属实、部分属实、不属实');
  const rectificationNeeded = field(ctx, 'rectification') === 'yes';
  const rectifyBy = field(ctx, 'rectify_by') ? parsePickerDate(field(ctx, 'rectify_by')) : undefined;
  if (rectificationNeeded && !rectifyBy) throw new InputError('需要整改时，请选择整改完成日期。');
  // Verifying counts as acknowledging when nobody clicked 认领 first.
  if (item.state === 'dispatched') {
    item = await saveItemChange(ctx, item, 'item.acknowledged', { state: nextState(item, 'acknowledge'), acknowledgedAt: ctx.view.now });
  }
  await ctx.tx.insert(verifications).values({
    itemId: item.id,
    outcome,
    findings: field(ctx, 'findings'),
    rectificationNeeded,
    measures: field(ctx, 'measures') || null,
    rectifyBy: rectificationNeeded ? rectifyBy! : null,
    by: ctx.actor.openId,
    at: ctx.view.now,
  });
  const firstTime = item.state === 'acknowledged';
  const lines = [`核实结论：${outcomeLabel(outcome)}`, `核实情况：${field(ctx, 'findings')}`];
  if (rectificationNeeded) lines.push(`需要整改，完成日期：${rectifyBy}`);
  const change = {
    action: firstTime ? 'item.verified' : 'item.verification_updated',
    changes: firstTime ? { state: nextState(item, 'verify') } : {},
    after: { outcome, rectificationNeeded, rectifyBy: rectifyBy ?? null },
  };
  return saveAndAnswer(ctx, item, change, '核实情况已提交', receiptCard({ title: `已提交核实 ${item.ref}`, lines, colour: 'green', ref: item.ref }));
};

/** Stores a new draft version and sends it to the lead unit's leaders for review. */
export async function submitDraft(ctx: ActionContext, item: ItemRow, text: string, note: string | undefined): Promise<ItemRow> {
  await requirePermission(ctx, item, 'draft');
  if (!text.trim()) throw new InputError('回应稿不能为空。');
  if (text.length > 20_000) throw new InputError('回应稿超过 20000 字，请精简后再提交。');
  const previous = await draftsOf(ctx.tx, item.id);
  const last = previous.at(-1);
  const hash = createHash('sha256').update(text).digest('hex');
  if (last && last.textHash === hash && last.decision !== 'returned') throw new InputError(`这份回应稿与第 ${last.version} 版完全相同，无需重复提交。`);
  let state = item.state as ItemState;
  if (state === 'approved') state = nextState({ ...item, state }, 'start_draft');
  const to = nextState({ ...item, state }, 'submit_draft');
  const version = (last?.version ?? 0) + 1;
  await ctx.tx.insert(drafts).values({ itemId: item.id, version, text, textHash: hash, note: note || null, drafter: ctx.actor.openId, submittedAt: ctx.view.now });
  const updated = await saveItemChange(ctx, item, 'item.draft_submitted', { state: to }, { draftVersion: version, chars: text.length });
  const leaders = await leadLeaders(ctx.tx, updated);
  const review = reviewCard({
    itemId: item.id,
    ref: item.ref,
    title: item.title,
    draftVersion: version,
    text,
    diff: last ? lineDiff(last.text, text) : undefined,
    drafter: ctx.actor.name,
    submittedAt: formatLocalTime(ctx.view.now, ctx.view.tz, ctx.view.now),
  });
  await replyToCopies(ctx.tx, updated, 'lead', `review:${item.id}:v${version}`, { msgType: 'interactive', card: review }, ctx.view.now);
  await replyToCopies(ctx.tx, updated, 'lead', `review-ping:${item.id}:v${version}`, textWithMentions(leaders.filter((id) => id !== ctx.actor.openId), `第 ${version} 版回应稿待审核（${item.ref}）`), ctx.view.now);
  return updated;
}

async function leadLeaders(tx: Tx, item: ItemRow): Promise<string[]> {
  const { lead } = await unitsOfItem(tx, item.id);
  return lead ? openIdsOf(tx, (await effectiveRoster(tx, lead)).leader) : [];
}

/** Lines added and removed between two versions, for the reviewer. */
export function lineDiff(before: string, after: string): { added: string[]; removed: string[] } {
  const old = before.split('\n').map((l) => l.trim()).filter(Boolean);
  const now = after.split('\n').map((l) => l.trim()).filter(Boolean);
  return { added: now.filter((l) => !old.includes(l)), removed: old.filter((l) => !now.includes(l)) };
}

export const draftSubmit: ActionHandler<ItemValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  const updated = await submitDraft(ctx, item, joinDraftParts(ctx.formValue ?? {}), field(ctx, 'note'));
  const version = (await draftsOf(ctx.tx, item.id)).at(-1)!.version;
  return answer(ctx, updated, '已提交审核', receiptCard({ title: `已提交第 ${version} 版回应稿`, lines: [`${item.ref}：等待负责人审核`], colour: 'blue', ref: item.ref }));
};

async function draftUnderReview(ctx: ActionContext<DraftValue>, item: ItemRow): Promise<DraftRow> {
  const latest = (await draftsOf(ctx.tx, item.id)).at(-1);
  const wanted = ctx.value.draft;
  if (!latest || latest.version !== wanted || latest.decision) {
    throw new InputError(latest && latest.version !== wanted ? `这已不是最新的稿件（最新为第 ${latest.version} 版）。` : '这份稿件已经审核过了。');
  }
  return latest;
}

export const approveDraft: ActionHandler<DraftValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  const draft = await draftUnderReview(ctx, item);
  await requirePermission(ctx, item, 'approve_draft', { draftAuthorId: draft.drafter });
  const state = nextState(item, 'approve');
  await ctx.tx.update(drafts).set({ decision: 'approved', reviewer: ctx.actor.openId, reviewedAt: ctx.view.now, comment: field(ctx, 'comment') || null }).where(eq(drafts.id, draft.id));
  const updated = await saveItemChange(ctx, item, 'item.draft_approved', { state }, { draftVersion: draft.version, textHash: draft.textHash });
  // Wording that concerns other units is confirmed by them before publication (会签, R6).
  const { cooperating } = await unitsOfItem(ctx.tx, item.id);
  for (const unitCode of cooperating) {
    const card = cosignCard({ itemId: item.id, ref: item.ref, title: item.title, unit: unitCode, unitCode, draftVersion: draft.version, text: draft.text });
    await replyToCopies(ctx.tx, updated, 'cooperating', `cosign:${item.id}:v${draft.version}`, { msgType: 'interactive', card }, ctx.view.now, unitCode);
  }
  const lines = [`第 ${draft.version} 版已审核通过`, cooperating.length > 0 ? `已请 ${cooperating.length} 个配合单位会签确认` : '可以登记发布'];
  return answer(ctx, updated, '审核通过', receiptCard({ title: `审核通过 ${item.ref}`, lines, colour: 'green', ref: item.ref }));
};

export const returnDraft: ActionHandler<DraftValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  const draft = await draftUnderReview(ctx, item);
  await requirePermission(ctx, item, 'return_draft', { draftAuthorId: draft.drafter });
  const comment = field(ctx, 'comment');
  if (!comment) throw new InputError('退回时请写明修改意见。');
  const state = nextState(item, 'return_draft');
  await ctx.tx.update(drafts).set({ decision: 'returned', reviewer: ctx.actor.openId, reviewedAt: ctx.view.now, comment }).where(eq(drafts.id, draft.id));
  const updated = await saveItemChange(ctx, item, 'item.draft_returned', { state }, { draftVersion: draft.version, comment });
  const form = draftFormCard({ itemId: item.id, ref: item.ref, title: item.title, parts: splitDraft(draft.text), version: draft.version, returnComment: comment });
  await replyToCopies(ctx.tx, updated, 'lead', `returned:${item.id}:v${draft.version}`, { msgType: 'interactive', card: form }, ctx.view.now);
  await replyToCopies(ctx.tx, updated, 'lead', `returned-ping:${item.id}:v${draft.version}`, textWithMentions([draft.drafter], `第 ${draft.version} 版回应稿被退回：${comment}`), ctx.view.now);
  return answer(ctx, updated, '已退回修改', receiptCard({ title: `已退回 ${item.ref} 第 ${draft.version} 版`, lines: [`修改意见：${comment}`], colour: 'orange', ref: item.ref }));
};


/** Cooperating units that have not confirmed the latest approved version. */
export async function pendingConfirmations(tx: Tx, item: ItemRow): Promise<{ version?: number; pending: string[] }> {
  const approved = (await draftsOf(tx, item.id)).filter((d) => d.decision === 'approved').at(-1);
  if (!approved) return { pending: [] };
  const { cooperating } = await unitsOfItem(tx, item.id);
  const agreed = new Set((await confirmationsOf(tx, item.id, approved.version)).filter((c) => c.agree).map((c) => c.unitCode));
  return { version: approved.version, pending: cooperating.filter((code) => !agreed.has(code)) };
}

export const confirmWording: ActionHandler<ConfirmWordingValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  await requirePermission(ctx, item, 'confirm_wording');
  const { unit: unitCode, draft: version, agree } = ctx.value;
  if (!ctx.actor.memberships.some((m) => m.unitCode === unitCode)) {
    throw new RefusedError('confirm_wording', '只有该配合单位的人员可以会签确认。', 'not_own_unit');
  }
  const { cooperating } = await unitsOfItem(ctx.tx, item.id);
  if (!cooperating.includes(unitCode)) throw new InputError('这个单位已不是配合单位。');
  // Co-sign cards are sent for an approved version of this item's draft.
  const draft = (await draftsOf(ctx.tx, item.id)).find((d) => d.version === version);
  if (!draft) throw new BadPayloadError('draft', 'not_found');
  if (draft.decision !== 'approved') throw new InputError(`第 ${version} 版回应稿尚未审核通过，无需会签。`);
  const existing = (await confirmationsOf(ctx.tx, item.id, version)).find((c) => c.unitCode === unitCode);
  if (existing) throw new InputError(existing.agree ? '本单位已确认过这一版口径。' : '本单位已对这一版提出意见。');
  const comment = field(ctx, 'comment');
  if (!agree && !comment) throw new InputError('提出意见时请写明具体意见。');
  await ctx.tx.insert(confirmations).values({ itemId: item.id, draftVersion: version, unitCode, agree, comment: comment || null, by: ctx.actor.openId, at: ctx.view.now });
  const updated = await saveItemChange(ctx, item, agree ? 'item.wording_confirmed' : 'item.wording_objected', {}, { unit: unitCode, draftVersion: version, comment: comment || null });
  if (!agree) {
    await replyToCopies(ctx.tx, updated, 'lead', `objection:${item.id}:v${version}:${unitCode}`, { msgType: 'text', text: `配合单位对第 ${version} 版回应口径提出意见：${comment}。请修改后重新提交审核。` }, ctx.view.now);
  }
  return answer(ctx, updated, agree ? '已确认口径' : '意见已反馈给牵头单位', receiptCard({ title: agree ? `已会签确认 ${item.ref}` : `已提出意见 ${item.ref}`, lines: [agree ? `第 ${version} 版口径已确认` : `意见：${comment}`], colour: agree ? 'green' : 'orange', ref: item.ref }));
};

export const publicationSubmit: ActionHandler<ItemValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  await requirePermission(ctx, item, 'record_publication');
  requireFields(ctx, { channel: '发布渠道', published_at: '发布时间' });
  const channel = field(ctx, 'channel') as Channel;
  if (!(channel in CHANNELS)) throw new InputError('请选择发布渠道。');
  const publishedAt = parsePickerDateTime(field(ctx, 'published_at'));
  if (!publishedAt) throw new InputError('发布时间格式不对，请用时间选择器选择。');
  if (publishedAt.getTime() > ctx.view.now.getTime() + 5 * 60_000) throw new InputError('发布时间不能晚于现在。');
  const overrideReason = field(ctx, 'override_reason');
  const roles = await rolesOn(ctx, item);
  if (overrideReason && !roles.includes('news_office')) throw new RefusedError('record_publication', '只有县新闻办可以特批发布。', 'role_not_allowed');
  const { version, pending } = await pendingConfirmations(ctx.tx, item);
  const chosen = field(ctx, 'draft') ? Number(field(ctx, 'draft')) : version;
  const approvedVersions = (await draftsOf(ctx.tx, item.id)).filter((d) => d.decision === 'approved').map((d) => d.version);
  if (chosen !== undefined && !approvedVersions.includes(chosen)) throw new InputError('只能登记已审核通过的稿件版本。');
  const override = Boolean(overrideReason);
  const before = item.state as ItemState;
  const to = nextState(item, 'publish', { pendingConfirmations: pending.length, override });
  await ctx.tx.insert(publications).values({ itemId: item.id, channel, link: field(ctx, 'link') || null, publishedAt, draftVersion: chosen ?? null, overrideReason: overrideReason || null, by: ctx.actor.openId, at: ctx.view.now });
  let updated = await saveItemChange(ctx, item, 'item.published', { state: to }, { channel, draftVersion: chosen ?? null, override, publishedAt: publishedAt.toISOString() });
  // After the response the item is watched (R12).
  if (updated.state === 'responded' && before !== 'responded') updated = await saveItemChange(ctx, updated, 'item.watch_started', { state: nextState(updated, 'start_watch') });
  const lines = [`${CHANNELS[channel].labelZh}：${formatLocalTime(publishedAt, ctx.view.tz, ctx.view.now)}`];
  if (chosen !== undefined) lines.push(`发布稿件：第 ${chosen} 版`);
  if (override) lines.push(`特批发布：${overrideReason}`);
  return answer(ctx, updated, '发布已登记', receiptCard({ title: `已登记发布 ${item.ref}`, lines, colour: 'green', ref: item.ref }));
};

export async function countPublications(tx: Tx, itemId: number): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(publications).where(and(eq(publications.itemId, itemId)));
  return row?.n ?? 0;
}
