import type { Logger } from 'pino';
import { can, type Action } from '../domain/permissions.js';
import { transition, type ItemEvent, type ItemState } from '../domain/lifecycle.js';
import type { Tx } from '../db/client.js';
import { liveCardsOf, lockItem, setItemUnits, unitsOfItem, updateItem, type ItemRow } from '../db/queries/items.js';
import { findUnit } from '../db/queries/organisation.js';
import type { Actor } from '../workflow/actor.js';
import { auditedChangeInTx } from '../workflow/audited.js';
import { InputError, RefusedError } from '../workflow/errors.js';
import { syncItemCards } from '../workflow/item-cards.js';
import { itemRoles } from '../workflow/item-roles.js';
import type { ViewContext } from '../workflow/item-view.js';
import type { CardResponse } from './handle.js';

/**
 * Card buttons. Each handler runs inside the event's transaction (in a savepoint): it locks the
 * item, checks who may act and whether the state allows it, changes, audits, refreshes every copy
 * of the card, and answers the click with the new card for the copy that was clicked.
 */

export interface CardActionContext {
  tx: Tx;
  actor: Actor;
  view: ViewContext;
  log: Logger;
  /**
   * Where the clicked copy may live: `chat:oc_…` of the click, then `user:ou_…` of the clicker (a copy
   * sent to a person in private is clicked in their chat with the bot).
   */
  audiences: string[];
  value: Record<string, unknown>;
  formValue?: Record<string, unknown>;
}

export type CardActionHandler = (ctx: CardActionContext) => Promise<CardResponse>;

/** Loads and locks the clicked item; an unknown id means the card is stale or forged. */
async function clickedItem(ctx: CardActionContext): Promise<ItemRow> {
  const id = Number(ctx.value.item);
  const item = Number.isInteger(id) ? await lockItem(ctx.tx, id) : undefined;
  if (!item) throw new InputError('找不到这条舆情，卡片可能已过期。');
  return item;
}

async function permitted(ctx: CardActionContext, item: ItemRow, action: Action): Promise<void> {
  const units = await unitsOfItem(ctx.tx, item.id);
  const result = can(itemRoles(ctx.actor, units), action, { actorId: ctx.actor.openId });
  if (!result.allowed) throw new RefusedError(action, result.messageZh, result.code);
}

function nextState(item: ItemRow, event: ItemEvent): ItemState {
  const result = transition(item.state as ItemState, event);
  if (!result.ok) throw new InputError(result.messageZh);
  return result.to;
}

/** Saves a change with its audit row and refreshes the cards; answers with the clicked copy. */
async function commit(ctx: CardActionContext, item: ItemRow, action: string, changes: Parameters<typeof updateItem>[2], after: Record<string, unknown>, toast: string): Promise<CardResponse> {
  const updated = await auditedChangeInTx(ctx.tx, { at: ctx.view.now, actor: ctx.actor.openId, action, itemId: item.id, subject: `item:${item.ref}` }, async (tx) => {
    const row = await updateItem(tx, item.id, { ...changes, updatedAt: ctx.view.now });
    return { value: row, before: { state: item.state, version: item.version }, after: { state: row.state, version: row.version, ...after } };
  });
  const live = new Set((await liveCardsOf(ctx.tx, item.id)).map((copy) => copy.audience));
  const clicked = ctx.audiences.find((audience) => live.has(audience));
  const cards = await syncItemCards(ctx.tx, updated, ctx.view, clicked);
  const card = clicked ? cards.get(clicked) : undefined;
  return { toast: { type: 'success', content: toast }, ...(card ? { card: { type: 'raw', data: card } } : {}) };
}

const acknowledge: CardActionHandler = async (ctx) => {
  const item = await clickedItem(ctx);
  await permitted(ctx, item, 'acknowledge');
  if (item.state !== 'dispatched') {
    throw new InputError(item.state === 'acknowledged' ? '这条舆情已经被认领了。' : transitionMessage(item, 'acknowledge'));
  }
  return commit(ctx, item, 'item.acknowledged', { state: nextState(item, 'acknowledge') }, {}, `已认领 ${item.ref}`);
};

const route: CardActionHandler = async (ctx) => {
  const item = await clickedItem(ctx);
  await permitted(ctx, item, 'route');
  const unitCode = String(ctx.value.unit ?? '');
  const unit = await findUnit(ctx.tx, unitCode);
  if (!unit || !unit.active) throw new InputError('找不到这个单位，请刷新后重试。');
  const units = await unitsOfItem(ctx.tx, item.id);
  if (units.lead) throw new InputError(`这条舆情已由${(await findUnit(ctx.tx, units.lead))?.name ?? units.lead}牵头；如需改派，请发送 /yq assign ${item.ref} <单位>。`);
  await setItemUnits(ctx.tx, item.id, { lead: unit.code, cooperating: units.cooperating.filter((c) => c !== unit.code) }, ctx.view.now);
  return commit(ctx, item, 'item.routed', { state: nextState(item, 'dispatch'), routingNote: `县新闻办指定：${unit.name}` }, { lead: unit.code, leadName: unit.name }, `已交办给${unit.name}`);
};

function transitionMessage(item: ItemRow, event: ItemEvent): string {
  const result = transition(item.state as ItemState, event);
  return result.ok ? '' : result.messageZh;
}

export const CARD_ACTIONS: Record<string, CardActionHandler> = {
  acknowledge,
  route,
};
