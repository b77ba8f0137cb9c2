import type { Tx } from '../../db/client.js';
import { liveCardsOf, type ItemRow } from '../../db/queries/items.js';
import { enqueueOutbox, type OutgoingMessage } from '../../db/queries/outbox.js';

/**
 * Replies to the item's card in the chats of one variant (e.g. the lead unit), so the message sits
 * under the card people already see; a unit reached in private gets it in each private chat.
 */
export async function replyToCopies(tx: Tx, item: ItemRow, variant: string, key: string, message: OutgoingMessage, at: Date, unitCode?: string): Promise<number> {
  const copies = (await liveCardsOf(tx, item.id)).filter((copy) => copy.variant === variant && (!unitCode || copy.unitCode === unitCode));
  for (const copy of copies) {
    await enqueueOutbox(tx, `${key}:${copy.audience}`, { kind: 'reply', to: { sendKey: copy.sendKey, receiver: copy.audience }, lane: copy.audience, message }, at);
  }
  return copies.length;
}

/** A text with @mentions that Feishu renders in a text message. */
export function textWithMentions(openIds: string[], text: string): OutgoingMessage {
  const mentions = openIds.map((id) => `<at user_id="${id}"></at>`).join(' ');
  return { msgType: 'text', text: mentions ? `${mentions} ${text}` : text };
}
