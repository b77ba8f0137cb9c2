import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { botAddedCard } from '../../cards/bot-added.js';
import { noticeCard } from '../../cards/notice.js';
import { describeArgProblems } from '../../commands/args.js';
import { findCommand, usageText } from '../../commands/help.js';
import { parseCommandLine } from '../../commands/parse.js';
import type { AnyCommand } from '../../commands/types.js';
import type { Clock } from '../clock.js';
import { isDomainError } from '../domain/errors.js';
import type { Policy } from '../domain/policy.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import type { Db, Tx } from '../db/client.js';
import { insertSecurityEvent } from '../db/queries/audit.js';
import { recordInboundEvent } from '../db/queries/inbound.js';
import { orgSnapshot } from '../db/queries/org-snapshot.js';
import { findNewsOfficeUnit, findUnit, unitsBoundToChat, unitsWithoutChat } from '../db/queries/organisation.js';
import { enqueueOutbox, queuedOutboxIn, type OutgoingMessage } from '../db/queries/outbox.js';
import { dedupeKeys, type InboundEvent } from '../lark/events.js';
import { loadActor } from '../workflow/actor.js';
import { BadPayloadError, RefusedError } from '../workflow/errors.js';
import { bindUnitChatInTx } from '../workflow/organisation.js';
import { holdClickedItem } from '../workflow/actions/common.js';
import { CARD_ACTIONS } from './card-actions.js';
import { truncate } from '../domain/text.js';

/** What a card click is answered with (DESIGN.md §8): a toast and/or the whole new card. */
export interface CardResponse {
  toast?: { type: 'info' | 'success' | 'error' | 'warning'; content: string };
  card?: { type: 'raw'; data: Record<string, unknown> };
}

export interface InboundDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  org: { timezone: string; policy: Policy; calendar?: WorkingCalendar };
  commands: readonly AnyCommand[];
  /**
   * Called after each commit, with what it may have left for the outbox sender: `messages` when it
   * queued outbound messages (the sender looks at once), `changes` when it only changed items,
   * whose older card copies may wait in the redraw queue (the sender may look a moment later).
   */
  afterCommit?: (left: 'messages' | 'changes') => void;
}

const HELP_HINT = '发送“/舆情 帮助”查看全部命令。';

/**
 * The app's one entry point for everything Lark delivers. One transaction: the dedupe key, the
 * effects and the outbound messages commit together, before the receiver answers Lark.
 */
export async function handleInbound(deps: InboundDeps, event: InboundEvent): Promise<CardResponse> {
  const log = deps.log.child({ eventId: event.eventId, eventType: event.type });
  const at = deps.clock.now();
  let response: CardResponse = {};
  let queuedMessages = false;
  const fresh = await deps.db.transaction(async (tx) => {
    // A command or a click looks at the organisation first: its read goes out with the dedupe
    // insert, one round trip for the two (wasted only on a duplicate delivery).
    const recorded = Promise.all([recordInboundEvent(tx, dedupeKeys(event), event.type, at), event.type === 'card_action' || event.type === 'message' ? orgSnapshot(tx) : undefined]).then(
      ([isNew]) => isNew,
    );
    // Awaited below on every path; this only keeps a failure from counting as unhandled meanwhile.
    recorded.catch(() => undefined);
    if (event.type === 'card_action') {
      // A click starts before the dedupe insert is answered (onCardAction): its first statements go with it.
      const outcome = await onCardAction(deps, tx, event, at, log, recorded);
      if (outcome === DUPLICATE) return false;
      response = outcome;
    } else {
      if (!(await recorded)) return false;
      response = await dispatch(deps, tx, event, at, log);
    }
    queuedMessages = queuedOutboxIn(tx);
    return true;
  });
  if (!fresh) {
    log.info('duplicate delivery ignored');
    return event.type === 'card_action' ? { toast: { type: 'info', content: '该操作已处理' } } : {};
  }
  deps.afterCommit?.(queuedMessages ? 'messages' : 'changes');
  return response;
}

/** Everything but card clicks (onCardAction). */
async function dispatch(deps: InboundDeps, tx: Tx, event: Exclude<InboundEvent, { type: 'card_action' }>, at: Date, log: Logger): Promise<CardResponse> {
  switch (event.type) {
    case 'message':
      await onMessage(deps, tx, event, at, log);
      return {};
    case 'bot_added':
      await onBotAdded(tx, event, at);
      log.info({ chatId: event.chatId }, 'bot added to a chat');
      return {};
    case 'bot_removed':
    case 'chat_disbanded':
      await onChatLost(tx, event, at, log);
      return {};
    case 'unsupported':
      log.debug('event type not handled');
      return {};
  }
}

type MessageEvent = Extract<InboundEvent, { type: 'message' }>;
type CardActionEvent = Extract<InboundEvent, { type: 'card_action' }>;

/** A delivery the dedupe insert found already handled: it is answered and nothing else is done. */
const DUPLICATE = Symbol('duplicate delivery');

/**
 * A card click. It starts before the dedupe insert is answered: the clicked item's lock and units
 * go out with that insert, one round trip for both. `recorded` says whether the delivery is new;
 * nothing is written, and the action's savepoint not opened, before it does (a savepoint sent
 * ahead of the insert would take the insert with it when an action rolls back).
 */
async function onCardAction(deps: InboundDeps, tx: Tx, event: CardActionEvent, at: Date, log: Logger, recorded: Promise<boolean>): Promise<CardResponse | typeof DUPLICATE> {
  const name = String(event.value.action ?? '');
  const entry = Object.hasOwn(CARD_ACTIONS, name) ? CARD_ACTIONS[name] : undefined;
  const actionLog = log.child({ action: name, actor: event.operatorOpenId, item: event.value.item });
  // The payload is checked before anything runs: a forged or garbled one changes nothing.
  const click = entry?.accept(event.value, event.formValue);
  if (click?.ok && typeof click.value.item === 'number') holdClickedItem(tx, click.value.item);
  const [fresh, actor] = await Promise.all([recorded, loadActor(tx, event.operatorOpenId)]);
  if (!fresh) return DUPLICATE;
  if (!click) {
    // A card from an older version, or a payload no card of ours sends: refused and recorded.
    actionLog.warn('card action with no handler');
    await insertSecurityEvent(tx, {
      at,
      kind: 'bad_payload',
      actor: event.operatorOpenId,
      action: truncate(name, 64).text,
      reason: 'action: unknown',
      detail: { field: 'action', problem: 'unknown', chatId: event.chatId, messageId: event.messageId },
    });
    return { toast: { type: 'warning', content: '这个卡片按钮已失效，请在最新的卡片上操作。' } };
  }
  if (!click.ok) return refuseBadPayload(tx, event, name, click.error, at, actionLog);
  try {
    const response = await tx.transaction((sp) =>
      click.run({
        tx: sp,
        actor,
        log: actionLog,
        view: { tz: deps.org.timezone, policy: deps.org.policy, calendar: deps.org.calendar, now: at },
        audiences: [...(event.chatId ? [`chat:${event.chatId}`] : []), `user:${event.operatorOpenId}`],
        messageId: event.messageId,
        chatId: event.chatId,
      }),
    );
    actionLog.info('card action done');
    return response;
  } catch (error) {
    if (error instanceof BadPayloadError) return refuseBadPayload(tx, event, name, error, at, actionLog);
    if (error instanceof RefusedError) {
      actionLog.warn({ reason: error.reasonCode }, 'card action refused');
      await insertSecurityEvent(tx, {
        at,
        kind: 'refused_action',
        actor: event.operatorOpenId,
        action: error.action,
        reason: error.reasonCode,
        // The checked value only: ids and codes, never the raw payload (which may hold anything).
        detail: { value: { action: name, ...click.value }, chatId: event.chatId, messageId: event.messageId },
      });
      return { toast: { type: 'error', content: error.messageZh } };
    }
    if (isDomainError(error)) {
      actionLog.info({ code: error.code }, 'card action not possible now');
      return { toast: { type: 'warning', content: error.messageZh } };
    }
    const reference = randomBytes(4).toString('hex');
    actionLog.error({ err: error, reference }, 'card action failed');
    return { toast: { type: 'error', content: `操作失败（参考编号 ${reference}），请稍后再试。` } };
  }
}

/**
 * A card payload no card of ours sends (missing or garbled ids, an id of another item): a clear
 * answer and a security event naming the action and the field, nothing else written. The savepoint
 * of the action, if it ran, is already rolled back.
 */
async function refuseBadPayload(tx: Tx, event: CardActionEvent, action: string, error: BadPayloadError, at: Date, log: Logger): Promise<CardResponse> {
  log.warn({ field: error.field, problem: error.problem }, 'card action with a bad payload');
  await insertSecurityEvent(tx, {
    at,
    kind: 'bad_payload',
    actor: event.operatorOpenId,
    action,
    reason: `${error.field}: ${error.problem}`,
    detail: { field: error.field, problem: error.problem, chatId: event.chatId, messageId: event.messageId },
  });
  return { toast: { type: 'error', content: error.messageZh } };
}

async function onMessage(deps: InboundDeps, tx: Tx, event: MessageEvent, at: Date, log: Logger): Promise<void> {
  // Ignore other bots (and ourselves): only people give commands.
  if (event.senderType !== 'user' || !event.senderOpenId) return;
  let replies = 0;
  const reply = async (db: Tx, message: OutgoingMessage) => {
    replies += 1;
    await enqueueOutbox(db, `reply:${event.messageId}:${replies}`, { kind: 'reply', to: { messageId: event.messageId }, lane: `chat:${event.chatId}`, message }, at);
  };
  const text = (db: Tx, lines: string[]) => reply(db, { msgType: 'text', text: lines.join('\n') });

  if (event.messageType !== 'text') {
    if (event.chatType === 'p2p') await text(tx, ['舆情助手只能读懂文字命令。', HELP_HINT]);
    return;
  }
  const line = parseCommandLine(event.text, event.mentions);
  if (!line.word) {
    await text(tx, ['您好，我是舆情助手。', HELP_HINT]);
    return;
  }
  const command = findCommand(deps.commands, line.word);
  if (!command) {
    await text(tx, [`没有“${line.word}”这个命令。${HELP_HINT}`, `您发送的是：${line.typed}`]);
    return;
  }
  const args = command.args.safeParse(line.tokens);
  if (!args.success) {
    await text(tx, ['命令的参数不对：', ...describeArgProblems(args.error).map((p) => `• ${p}`), '', usageText(command), '', `您发送的是：${line.typed}`]);
    return;
  }
  const actor = await loadActor(tx, event.senderOpenId);
  const commandLog = log.child({ command: command.name, actor: event.senderOpenId });
  try {
    // A savepoint: a refused or failed command leaves nothing behind but its answer.
    await tx.transaction(async (sp) => {
      await command.run(
        {
          tx: sp,
          now: at,
          log: commandLog,
          actor,
          chat: { chatId: event.chatId, chatType: event.chatType },
          org: deps.org,
          reply: (message) => reply(sp, message),
        },
        args.data as never,
        line.rest,
      );
    });
    commandLog.info('command done');
  } catch (error) {
    if (error instanceof RefusedError) {
      commandLog.warn({ action: error.action, reason: error.reasonCode }, 'command refused');
      await insertSecurityEvent(tx, {
        at,
        kind: 'refused_action',
        actor: event.senderOpenId,
        action: error.action,
        reason: error.reasonCode,
        detail: { command: command.name, chatId: event.chatId, messageId: event.messageId },
      });
      await text(tx, [`无法执行：${error.messageZh}`, `您发送的是：${line.typed}`]);
    } else if (isDomainError(error)) {
      commandLog.info({ code: error.code }, 'command rejected its input');
      await text(tx, [error.messageZh, '', usageText(command), '', `您发送的是：${line.typed}`]);
    } else {
      const reference = randomBytes(4).toString('hex');
      commandLog.error({ err: error, reference }, 'command failed');
      await text(tx, [`抱歉，处理这条命令时出错了（参考编号 ${reference}）。请稍后再试；如果反复出现，请把参考编号告诉系统管理员。`, `您发送的是：${line.typed}`]);
    }
  }
}

async function onBotAdded(tx: Tx, event: Extract<InboundEvent, { type: 'bot_added' }>, at: Date): Promise<void> {
  const unbound = await unitsWithoutChat(tx);
  await enqueueOutbox(
    tx,
    `bot-added:${event.eventId}`,
    { kind: 'send', target: { chatId: event.chatId }, message: { msgType: 'interactive', card: botAddedCard({ unboundUnits: unbound }) } },
    at,
  );
}

/** Removed from a group, or the group disbanded: unbind its units; they fall back to private messages. */
async function onChatLost(tx: Tx, event: Extract<InboundEvent, { type: 'bot_removed' | 'chat_disbanded' }>, at: Date, log: Logger): Promise<void> {
  const codes = await unitsBoundToChat(tx, event.chatId);
  if (codes.length === 0) return;
  for (const unitCode of codes) {
    await bindUnitChatInTx(tx, { unitCode, chatId: null, actor: `system:lark:${event.type}`, at });
  }
  log.warn({ chatId: event.chatId, units: codes }, 'lost a unit chat; units unbound');
  const news = await findNewsOfficeUnit(tx);
  if (!news) return;
  const why = event.type === 'chat_disbanded' ? '工作群已解散' : '舆情助手被移出了工作群';
  const names = await Promise.all(codes.map(async (code) => (await findUnit(tx, code))?.name ?? code));
  await enqueueOutbox(
    tx,
    `chat-lost:${event.eventId}`,
    {
      kind: 'send',
      target: { unit: news.code },
      message: {
        msgType: 'interactive',
        card: noticeCard({
          title: '单位工作群已解除绑定',
          colour: 'orange',
          lines: [
            `${why}，以下单位的工作群已解除绑定：${names.join('、')}。`,
            '在重新绑定之前，交办给这些单位的舆情会私聊发送给其负责人和联络人。',
            '重新绑定：把舆情助手拉进单位工作群，然后发送 **@舆情助手 /舆情 绑定 <单位>**。',
          ],
        }),
      },
    },
    at,
  );
}
