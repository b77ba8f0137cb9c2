import type { DbOrTx } from '../db/client.js';
import { adminOpenIds, effectiveChatId, effectiveRoster, openIdsOf } from '../db/queries/organisation.js';
import { outboxOutcome, type MessageRef, type SendTarget } from '../db/queries/outbox.js';
import { LarkApiError, type Receiver } from './gateway.js';

/**
 * Resolves a send target when the row is sent, so a chat bound or a liaison added after the
 * message was queued still counts. A unit without a chat is reached in private, person by person.
 */
export async function resolveReceivers(db: DbOrTx, target: SendTarget): Promise<Receiver[]> {
  if ('chatId' in target) return [{ chatId: target.chatId }];
  if ('openId' in target) return [{ openId: target.openId }];
  if ('admins' in target) return (await adminOpenIds(db)).map((openId) => ({ openId }));
  if ('createdChat' in target) return [{ chatId: await createdChatId(db, target.createdChat) }];
  const chatId = await effectiveChatId(db, target.unit);
  if (chatId) return [{ chatId }];
  const roster = await effectiveRoster(db, target.unit);
  const keys = [...new Set([...roster.leader, ...roster.liaison, ...roster.member])];
  return (await openIdsOf(db, keys)).map((openId) => ({ openId }));
}

export function receiverKey(receiver: Receiver): string {
  return 'chatId' in receiver ? `chat:${receiver.chatId}` : `user:${receiver.openId}`;
}

/** The chat an earlier create_chat row made; not there yet is a retryable wait, never a loss. */
export async function createdChatId(db: DbOrTx, createKey: string): Promise<string> {
  const row = await outboxOutcome(db, createKey);
  const chatId = (row?.result as { chatId?: string } | null)?.chatId;
  if (row?.sentAt && chatId) return chatId;
  if (row?.deadAt) throw new LarkApiError(false, undefined, undefined, `the chat of ${createKey} was never created`);
  throw new NotReadyError(`waiting for the chat of ${createKey} to be created`);
}

/**
 * The row depends on another that has not been delivered yet (a chat being created, a card not
 * yet sent). Not a failure: the row is given back and tried on the next sweep, with no backoff
 * and no step towards dead-lettering.
 */
export class NotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotReadyError';
  }
}

/** The id of a message the bot sent; a copy whose send has not happened yet is a retryable wait. */
export async function resolveMessageId(db: DbOrTx, ref: MessageRef): Promise<string> {
  if ('messageId' in ref) return ref.messageId;
  const row = await outboxOutcome(db, ref.sendKey);
  const messageId = (row?.result as { delivered?: Record<string, string> } | null)?.delivered?.[ref.receiver];
  if (messageId) return messageId;
  if (row?.deadAt || row?.sentAt) throw new LarkApiError(false, undefined, undefined, `${ref.sendKey} never reached ${ref.receiver}`);
  throw new NotReadyError(`waiting for ${ref.sendKey} to reach ${ref.receiver}`);
}

/** Pacing keys from a lane name (`chat:oc_…`, `user:ou_…`). */
export function receiverOfLane(lane: string): Receiver | undefined {
  if (lane.startsWith('chat:')) return { chatId: lane.slice(5) };
  if (lane.startsWith('user:')) return { openId: lane.slice(5) };
  return undefined;
}
