import type { Logger } from 'pino';
import type { z } from 'zod';
import { can, type Action, type PermissionContext, type Role } from '../../domain/permissions.js';
import { transition, type GuardContext, type ItemEvent, type ItemState } from '../../domain/lifecycle.js';
import { clientOf } from '../../db/built-once.js';
import type { Tx } from '../../db/client.js';
import { carryUnitsOfItem, lockItem, unitsOfItem, updateItem, type ItemRow, type ItemUnits, type NewItemRow } from '../../db/queries/items.js';
import { outermostClient } from '../../db/prepared-statements.js';
import { enqueueOutbox } from '../../db/queries/outbox.js';
import type { CardResponse } from '../../inbound/handle.js';
import type { Actor } from '../actor.js';
import { auditedWriteInTx } from '../audited.js';
import { BadPayloadError, InputError, RefusedError } from '../errors.js';
import { readDeadlineInputs, type DeadlineInputs } from '../deadlines.js';
import { syncItemCards } from '../item-cards.js';
import { itemRoles } from '../item-roles.js';
import type { ViewContext } from '../item-view.js';
import type { ItemValue } from './values.js';

export type CardValue = Record<string, unknown>;

/**
 * What a card action (button or form) works with. One transaction, the event's. `value` is the
 * click's callback value as the action's schema (values.ts) parsed it.
 */
export interface ActionContext<V extends CardValue = CardValue> {
  tx: Tx;
  actor: Actor;
  view: ViewContext;
  log: Logger;
  /** Where the clicked copy may live: `chat:oc_…` of the click, then `user:ou_…` of the clicker. */
  audiences: string[];
  value: V;
  formValue?: Record<string, unknown>;
  /** The clicked message, for replies (forms are posted as replies to the card). */
  messageId?: string;
  chatId?: string;
}

export type ActionHandler<V extends CardValue = CardValue> = (ctx: ActionContext<V>) => Promise<CardResponse>;

/** Everything of an action's context but the click's values, which the card action checks. */
export type ActionEnvironment = Omit<ActionContext, 'value' | 'formValue'>;

/** A checked click, ready to run; or why its payload is refused. */
export type AcceptedClick = { ok: true; value: CardValue; run: (env: ActionEnvironment) => Promise<CardResponse> } | { ok: false; error: BadPayloadError };

/** A registry entry: the schema of the callback value (and of the ids a form carries) and the action. */
export interface CardAction {
  accept(value: unknown, formValue: Record<string, unknown> | undefined): AcceptedClick;
}

/** The first problem zod found, as the field it is about and a short code (for the security event). */
function badPayloadOf(error: z.ZodError, prefix?: string): BadPayloadError {
  const issue = error.issues[0];
  const path = (issue?.path ?? []).map(String).join('.') || '(value)';
  return new BadPayloadError(prefix ? `${prefix}.${path}` : path, issue?.code ?? 'invalid');
}

/**
 * Pairs an action with the schema of its callback value; `form` checks the form fields that carry
 * ids (other fields are the user's text, checked by the action).
 */
export function cardAction<V extends CardValue>(schema: z.ZodType<V>, handler: ActionHandler<V>, options: { form?: z.ZodType<CardValue> } = {}): CardAction {
  return {
    accept(raw, formValue) {
      const value = schema.safeParse(raw);
      if (!value.success) return { ok: false, error: badPayloadOf(value.error) };
      const form = options.form && formValue !== undefined ? options.form.safeParse(formValue) : undefined;
      if (form && !form.success) return { ok: false, error: badPayloadOf(form.error, 'form') };
      const data = value.data;
      return { ok: true, value: data, run: (env) => handler({ ...env, value: data, formValue: form ? form.data : formValue }) };
    },
  };
}

/** Per transaction (its client): items locked before the click's action ran (holdClickedItem). */
const heldItems = new WeakMap<object, Map<number, { item: Promise<ItemRow | undefined>; units: Promise<ItemUnits> }>>();

/**
 * Locks the clicked item and reads its units now, in the event's transaction, so they go out with
 * its dedupe insert (one round trip for both; a duplicate delivery holds the item until its
 * commit, a moment later). The action's clickedItem, in its savepoint, takes them, once.
 */
export function holdClickedItem(tx: Tx, itemId: number): void {
  const held = { item: lockItem(tx, itemId), units: unitsOfItem(tx, itemId) };
  // Whoever takes them sees their failure; untaken, the transaction's own error is the one that counts.
  held.item.catch(() => undefined);
  held.units.catch(() => undefined);
  const client = clientOf(tx);
  let byId = heldItems.get(client);
  if (!byId) heldItems.set(client, (byId = new Map()));
  byId.set(itemId, held);
}

/** Loads and locks the clicked item: concurrent clicks on one item take turns. */
export async function clickedItem(ctx: ActionContext<ItemValue>): Promise<ItemRow> {
  const itemId = ctx.value.item;
  const byId = heldItems.get(outermostClient(clientOf(ctx.tx)));
  const held = byId?.get(itemId);
  byId?.delete(itemId);
  if (held) carryUnitsOfItem(ctx.tx, itemId, held.units);
  // The units, which the permission check reads next, go out with the lock (the server reads them
  // once it holds it) and are kept for the transaction (unitsOfItem).
  const [item] = await Promise.all(held ? [held.item, held.units] : [lockItem(ctx.tx, itemId), unitsOfItem(ctx.tx, itemId)]);
  if (!item) throw new InputError('找不到这条舆情，卡片可能已过期。');
  return item;
}

export async function rolesOn(ctx: ActionContext, item: ItemRow): Promise<Role[]> {
  return itemRoles(ctx.actor, await unitsOfItem(ctx.tx, item.id));
}

/** Refuses (security event, Chinese reason) unless the actor's roles on the item allow it. */
export async function requirePermission(ctx: ActionContext, item: ItemRow, action: Action, extra: PermissionContext = {}): Promise<void> {
  const result = can(await rolesOn(ctx, item), action, { actorId: ctx.actor.openId, ...extra });
  if (!result.allowed) throw new RefusedError(action, result.messageZh, result.code);
}

export function nextState(item: ItemRow, event: ItemEvent, guard: GuardContext = {}): ItemState {
  const result = transition(item.state as ItemState, event, guard);
  if (!result.ok) throw new InputError(result.messageZh);
  return result.to;
}

/** Every change to an item: new version, audit row with before/after, in the caller's transaction. */
export async function saveItemChange(ctx: ActionContext, item: ItemRow, action: string, changes: Partial<NewItemRow>, after: Record<string, unknown> = {}): Promise<ItemRow> {
  // The item is locked (clickedItem) and `item` is its row: what the update makes of it is known.
  const state = changes.state ?? item.state;
  const version = item.version + 1;
  const meta = { at: ctx.view.now, actor: ctx.actor.openId, action, itemId: item.id, subject: `item:${item.ref}` };
  const audit = { before: { state: item.state, version: item.version }, after: { state, version, ...after } };
  const row = await auditedWriteInTx(ctx.tx, meta, audit, (tx) => updateItem(tx, item.id, { ...changes, updatedAt: ctx.view.now }));
  // Not the row the audit describes (the caller's copy was stale): the transaction must not commit.
  if (row.version !== version || row.state !== state) throw new Error(`item ${item.id} changed under ${action}: version ${row.version}, expected ${version}`);
  return row;
}

/**
 * Refreshes every copy of the item card and answers the click: with `replaceWith` (a form turns
 * into its receipt), or with the clicked copy's new card.
 */
export async function answer(ctx: ActionContext, item: ItemRow, toast: string, replaceWith?: Record<string, unknown>, inputs?: DeadlineInputs): Promise<CardResponse> {
  const { cards, answered } = await syncItemCards(ctx.tx, item, ctx.view, replaceWith ? [] : ctx.audiences, inputs);
  const card = replaceWith ?? (answered ? cards.get(answered) : undefined);
  return { toast: { type: 'success', content: toast }, ...(card ? { card: { type: 'raw', data: card } } : {}) };
}

/** Posts a form as a reply to the clicked card, so the shared card itself stays the item card. */
export async function postForm(ctx: ActionContext, item: ItemRow, form: string, card: Record<string, unknown>): Promise<CardResponse> {
  if (!ctx.messageId || !ctx.chatId) throw new InputError('请在舆情卡片上操作。');
  await enqueueOutbox(
    ctx.tx,
    `form:${form}:${item.id}:${ctx.actor.openId}:${ctx.view.now.getTime()}`,
    { kind: 'reply', to: { messageId: ctx.messageId }, lane: `chat:${ctx.chatId}`, message: { msgType: 'interactive', card } },
    ctx.view.now,
  );
  return { toast: { type: 'info', content: '已发出表单，请在下方填写' } };
}

/** A form field as trimmed text ('' when empty). */
export function field(ctx: ActionContext, name: string): string {
  const value = ctx.formValue?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

export function fieldList(ctx: ActionContext, name: string): string[] {
  const value = ctx.formValue?.[name];
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  return typeof value === 'string' && value ? [value] : [];
}

/** Required form fields; every missing one is named at once. */
export function requireFields(ctx: ActionContext, labels: Record<string, string>): void {
  const missing = Object.entries(labels).filter(([name]) => !field(ctx, name) && fieldList(ctx, name).length === 0);
  if (missing.length > 0) throw new InputError(`请填写：${missing.map(([, label]) => label).join('、')}`);
}

/**
 * saveItemChange, then answer, when nothing comes between them: the reads the clocks start from go
 * out with the change and its audit row (one round trip for the three, not two). `item` is the row
 * clickedItem locked.
 */
export async function saveAndAnswer(
  ctx: ActionContext,
  item: ItemRow,
  change: { action: string; changes: Partial<NewItemRow>; after?: Record<string, unknown> },
  toast: string,
  replaceWith?: Record<string, unknown>,
): Promise<CardResponse> {
  const [updated, inputs] = await Promise.all([saveItemChange(ctx, item, change.action, change.changes, change.after), readDeadlineInputs(ctx.tx, item.id)]);
  return answer(ctx, updated, toast, replaceWith, inputs);
}
