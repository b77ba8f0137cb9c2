import { eq } from 'drizzle-orm';
import { disputeDecisionCard } from '../../../cards/forms/dispute-decision.js';
import { receiptCard } from '../../../cards/forms/receipt.js';
import type { Tx } from '../../db/client.js';
import { setItemUnits, unitsOfItem, type ItemRow } from '../../db/queries/items.js';
import { findUnit, listActiveUnits } from '../../db/queries/organisation.js';
import { findDispute, openDispute } from '../../db/queries/records.js';
import { disputes } from '../../db/schema/index.js';
import { BadPayloadError, InputError } from '../errors.js';
import { answer, clickedItem, field, nextState, requireFields, requirePermission, saveItemChange, type ActionContext, type ActionHandler } from './common.js';
import { replyToCopies } from './notify.js';
import type { DisputeValue, ItemValue, RouteValue } from './values.js';

async function activeUnit(tx: Tx, code: string) {
  const unit = await findUnit(tx, code);
  if (!unit || !unit.active) throw new InputError('找不到这个单位，请重新选择。');
  return unit;
}

async function routableUnits(tx: Tx) {
  return (await listActiveUnits(tx)).filter((unit) => unit.role !== 'news_office').map((unit) => ({ code: unit.code, name: unit.name }));
}

/** Changes the lead unit; the new unit starts over at 认领 (R4). */
export async function changeLead(ctx: ActionContext, item: ItemRow, unitCode: string, note: string): Promise<ItemRow> {
  const unit = await activeUnit(ctx.tx, unitCode);
  const units = await unitsOfItem(ctx.tx, item.id);
  if (units.lead === unit.code) throw new InputError(`${unit.name}已经是牵头单位。`);
  const state = units.lead ? nextState(item, 'reassign') : nextState(item, 'dispatch');
  await setItemUnits(ctx.tx, item.id, { lead: unit.code, cooperating: units.cooperating.filter((c) => c !== unit.code) }, ctx.view.now);
  return saveItemChange(ctx, item, units.lead ? 'item.reassigned' : 'item.routed', { state, routingNote: note, acknowledgedAt: null }, { lead: unit.code, leadName: unit.name, previousLead: units.lead ?? null });
}

export const route: ActionHandler<RouteValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  await requirePermission(ctx, item, 'route');
  const units = await unitsOfItem(ctx.tx, item.id);
  if (units.lead) throw new InputError(`这条舆情已由${(await findUnit(ctx.tx, units.lead))?.name ?? units.lead}牵头；如需改派，请发送 /yq assign ${item.ref} <单位>。`);
  const unit = await activeUnit(ctx.tx, ctx.value.unit);
  const updated = await changeLead(ctx, item, unit.code, `县新闻办指定：${unit.name}`);
  return answer(ctx, updated, `已交办给${unit.name}`);
};

export const disputeSubmit: ActionHandler<ItemValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  await requirePermission(ctx, item, 'dispute_routing');
  requireFields(ctx, { reason: '改派理由' });
  const { lead } = await unitsOfItem(ctx.tx, item.id);
  if (!lead) throw new InputError('这条舆情还没有牵头单位。');
  if (await openDispute(ctx.tx, item.id)) throw new InputError('已有一条改派申请在等待县新闻办处理。');
  const suggested = field(ctx, 'suggested') ? await activeUnit(ctx.tx, field(ctx, 'suggested')) : undefined;
  const [row] = await ctx.tx
    .insert(disputes)
    .values({ itemId: item.id, fromUnit: lead, reason: field(ctx, 'reason'), suggestedUnit: suggested?.code ?? null, by: ctx.actor.openId, at: ctx.view.now })
    .returning();
  const updated = await saveItemChange(ctx, item, 'item.dispute_raised', {}, { dispute: row!.id, reason: row!.reason, suggested: suggested?.code ?? null });
  const card = disputeDecisionCard({
    itemId: item.id,
    ref: item.ref,
    title: item.title,
    fromUnit: (await findUnit(ctx.tx, lead))?.name ?? lead,
    reason: row!.reason,
    suggested: suggested ? { code: suggested.code, name: suggested.name } : undefined,
    units: await routableUnits(ctx.tx),
    disputeId: row!.id,
  });
  await replyToCopies(ctx.tx, updated, 'news', `dispute:${row!.id}`, { msgType: 'interactive', card }, ctx.view.now);
  return answer(ctx, updated, '改派申请已提交县新闻办', receiptCard({ title: `已申请改派 ${item.ref}`, lines: [`理由：${row!.reason}`], colour: 'orange', ref: item.ref }));
};

async function decide(ctx: ActionContext<DisputeValue>, reassign: boolean) {
  const item = await clickedItem(ctx);
  await requirePermission(ctx, item, 'reassign');
  const dispute = await findDispute(ctx.tx, ctx.value.dispute);
  // Decision cards carry the item and the dispute together: anything else was not sent by us.
  if (!dispute) throw new BadPayloadError('dispute', 'not_found');
  if (dispute.itemId !== item.id) throw new BadPayloadError('dispute', 'other_item');
  if (dispute.decision) throw new InputError('这条改派申请已经处理过了。');
  const note = field(ctx, 'note');
  let updated = item;
  let lines: string[];
  if (reassign) {
    requireFields(ctx, { unit: '改派给' });
    const unit = await activeUnit(ctx.tx, field(ctx, 'unit'));
    updated = await changeLead(ctx, item, unit.code, `县新闻办改派：${unit.name}${note ? `（${note}）` : ''}`);
    lines = [`已改派给${unit.name}`];
  } else {
    updated = await saveItemChange(ctx, item, 'item.dispute_insisted', {}, { dispute: dispute.id, note: note || null });
    lines = ['维持原牵头单位'];
    await replyToCopies(ctx.tx, updated, 'lead', `insisted:${dispute.id}`, { msgType: 'text', text: `县新闻办维持由本单位牵头办理 ${item.ref}${note ? `：${note}` : ''}。请按时认领和核实。` }, ctx.view.now);
  }
  await ctx.tx
    .update(disputes)
    .set({ decision: reassign ? 'reassigned' : 'insisted', decidedBy: ctx.actor.openId, decidedAt: ctx.view.now, decisionNote: note || null })
    .where(eq(disputes.id, dispute.id));
  if (note) lines.push(`说明：${note}`);
  return answer(ctx, updated, lines[0]!, receiptCard({ title: `改派申请已处理 ${item.ref}`, lines, colour: 'blue', ref: item.ref }));
}

export const disputeReassign: ActionHandler<DisputeValue> = (ctx) => decide(ctx, true);
export const disputeInsist: ActionHandler<DisputeValue> = (ctx) => decide(ctx, false);
