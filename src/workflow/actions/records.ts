import { receiptCard } from '../../../cards/forms/receipt.js';
import { latestVerification } from '../../db/queries/records.js';
import { instructions, mediaContacts, rectifications } from '../../db/schema/index.js';
import { InputError } from '../errors.js';
import { formatLocalTime } from '../present.js';
import { parsePickerDateTime } from './card-time.js';
import { answer, clickedItem, field, requireFields, requirePermission, saveAndAnswer, saveItemChange, type ActionContext, type ActionHandler } from './common.js';
import { replyToCopies } from './notify.js';
import type { ItemValue } from './values.js';

function pickedTime(ctx: ActionContext, name: string, label: string): Date {
  const at = parsePickerDateTime(field(ctx, name));
  if (!at) throw new InputError(`${label}格式不对，请用时间选择器选择。`);
  if (at.getTime() > ctx.view.now.getTime() + 5 * 60_000) throw new InputError(`${label}不能晚于现在。`);
  return at;
}

/** R7: contacts with journalists when the media report on the item. */
export const mediaSubmit: ActionHandler<ItemValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  await requirePermission(ctx, item, 'record_media_contact');
  requireFields(ctx, { outlet: '媒体', agreed: '沟通内容', contacted_at: '沟通时间' });
  const contactedAt = pickedTime(ctx, 'contacted_at', '沟通时间');
  await ctx.tx.insert(mediaContacts).values({ itemId: item.id, outlet: field(ctx, 'outlet'), journalist: field(ctx, 'journalist') || null, agreed: field(ctx, 'agreed'), contactedAt, by: ctx.actor.openId, at: ctx.view.now });
  return saveAndAnswer(ctx, item, { action: 'item.media_contact', changes: {}, after: { outlet: field(ctx, 'outlet') } }, '媒体沟通已记录', receiptCard({ title: `已记录媒体沟通 ${item.ref}`, lines: [`${field(ctx, 'outlet')} ${field(ctx, 'journalist')}`.trim(), field(ctx, 'agreed')], colour: 'blue', ref: item.ref }));
};

/** R5: the rectification the verification asked for is done; stops the rectify clock. */
export const rectificationSubmit: ActionHandler<ItemValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  await requirePermission(ctx, item, 'record_rectification');
  requireFields(ctx, { note: '整改情况', done_at: '完成时间' });
  const verification = await latestVerification(ctx.tx, item.id);
  if (!verification?.rectificationNeeded) throw new InputError('核实结论没有要求整改。');
  const doneAt = pickedTime(ctx, 'done_at', '完成时间');
  await ctx.tx.insert(rectifications).values({ itemId: item.id, note: field(ctx, 'note'), doneAt, by: ctx.actor.openId, at: ctx.view.now });
  return saveAndAnswer(ctx, item, { action: 'item.rectified', changes: {}, after: { doneAt: doneAt.toISOString() } }, '整改完成已记录', receiptCard({ title: `整改完成 ${item.ref}`, lines: [field(ctx, 'note'), `完成时间：${formatLocalTime(doneAt, ctx.view.tz, ctx.view.now)}`], colour: 'green', ref: item.ref }));
};

/** R9: a county leader's instruction (批示), passed to the lead unit at once. */
export const instructionSubmit: ActionHandler<ItemValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  await requirePermission(ctx, item, 'give_instruction');
  requireFields(ctx, { text: '批示内容' });
  const text = field(ctx, 'text');
  await ctx.tx.insert(instructions).values({ itemId: item.id, text, by: ctx.actor.openId, at: ctx.view.now });
  const updated = await saveItemChange(ctx, item, 'item.instruction', {}, { text });
  const message = { msgType: 'text' as const, text: `${ctx.actor.name}批示（${item.ref}）：${text}` };
  for (const variant of ['lead', 'news']) await replyToCopies(ctx.tx, updated, variant, `instruction:${item.id}:${ctx.view.now.getTime()}`, message, ctx.view.now);
  return answer(ctx, updated, '批示已送达', receiptCard({ title: `已批示 ${item.ref}`, lines: [text], colour: 'red', ref: item.ref }));
};
