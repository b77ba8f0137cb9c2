import type { ItemRow } from '../../db/queries/items.js';
import { InputError } from '../errors.js';
import { itemCard } from '../../../cards/item.js';
import { itemCardView } from '../item-view.js';
import { answer, clickedItem, nextState, postForm, requirePermission, saveItemChange, type ActionContext, type ActionHandler } from './common.js';
import { replyToCopies } from './notify.js';
import type { ItemValue } from './values.js';

export async function closeItem(ctx: ActionContext, item: ItemRow, note?: string): Promise<ItemRow> {
  await requirePermission(ctx, item, 'close');
  if (item.state === 'closed') throw new InputError('这条舆情已经办结。');
  return saveItemChange(ctx, item, 'item.closed', { state: nextState(item, 'close'), closedAt: ctx.view.now }, { note: note ?? null });
}

/**
 * Reopens with its history (R12): `reopen` for a closed item, `recur` when the opinion comes back
 * while watched or after closing; either way the lead unit starts again at 认领.
 */
export async function reopenItem(ctx: ActionContext, item: ItemRow, event: 'reopen' | 'recur', note?: string): Promise<ItemRow> {
  await requirePermission(ctx, item, 'reopen');
  // The first acknowledgement stays on the record (and in the ledger); the state machine still
  // asks the lead unit to take the item up again.
  const reopened = await saveItemChange(ctx, item, event === 'recur' ? 'item.recurred' : 'item.reopened', { state: nextState(item, event), closedAt: null }, { note: note ?? null });
  const dispatched = await saveItemChange(ctx, reopened, 'item.redispatched', { state: nextState(reopened, 'dispatch') });
  const text = event === 'recur' ? `舆情反复（${item.ref}）${note ? `：${note}` : ''}。请重新认领、核实并回应。` : `县新闻办重新打开了 ${item.ref}${note ? `：${note}` : ''}。请重新认领办理。`;
  await replyToCopies(ctx.tx, dispatched, 'lead', `reopened:${item.id}:v${dispatched.version}`, { msgType: 'text', text }, ctx.view.now);
  return dispatched;
}

export const close: ActionHandler<ItemValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  return answer(ctx, await closeItem(ctx, item), `已办结 ${item.ref}`);
};

export const reopen: ActionHandler<ItemValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  return answer(ctx, await reopenItem(ctx, item, item.state === 'watching' ? 'recur' : 'reopen'), `已重新打开 ${item.ref}`);
};

/** From a digest: post the item's card under the digest, for whoever asked. */
export const showItem: ActionHandler<ItemValue> = async (ctx) => {
  const item = await clickedItem(ctx);
  const card = itemCard({ ...(await itemCardView(ctx.tx, item, 'observer', ctx.view)), actions: [] });
  return postForm(ctx, item, 'show', card);
};
