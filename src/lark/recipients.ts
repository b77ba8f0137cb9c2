import type { DbOrTx } from '../db/client.js';
import { adminOpenIds, effectiveChatId, effectiveRoster, openIdsOf } from '../db/queries/organisation.js';
import { findOutboxRow, type SendTarget } from '../db/queries/outbox.js';
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
  const row = await findOutboxRow(db, createKey);
  const chatId = (row?.result as { chatId?: string } | null)?.chatId;
  if (row?.sentAt && chatId) return chatId;
  if (row?.deadAt) throw new LarkApiError(false, undefined, undefined, `the chat of ${createKey} was never created`);
  throw new LarkApiError(true, undefined, undefined, `waiting for the chat of ${createKey} to be created`);
}
