import type { CommandContext } from '../../commands/types.js';
import type { ItemRow } from '../db/queries/items.js';
import { findItemByRef, lockItem } from '../db/queries/items.js';
import type { ActionContext } from './actions/common.js';
import { InputError } from './errors.js';
import type { ViewContext } from './item-view.js';

/** The view context (zone, policy, calendar, now) of a command. */
export function viewContextOf(ctx: CommandContext): ViewContext {
  return { tz: ctx.org.timezone, policy: ctx.org.policy, calendar: ctx.org.calendar, now: ctx.now };
}

/** Commands reuse the card actions' checks and changes: the same context, built from the command's. */
export function actionContextOf(ctx: CommandContext): ActionContext {
  return {
    tx: ctx.tx,
    actor: ctx.actor,
    view: viewContextOf(ctx),
    log: ctx.log,
    audiences: [`chat:${ctx.chat.chatId}`, `user:${ctx.actor.openId}`],
    value: {},
  };
}

/** The item a command names by reference, locked for the rest of the transaction. */
export async function itemByRef(ctx: CommandContext, ref: string): Promise<ItemRow> {
  const found = await findItemByRef(ctx.tx, ref.trim());
  if (!found) throw new InputError(`找不到 ${ref}。编号形如 YQ-20261127-001，可发送“/舆情 列表”查看。`);
  return (await lockItem(ctx.tx, found.id))!;
}

export const refArg = /^YQ-\d{8}-\d{3,}$/i;
