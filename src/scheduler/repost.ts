import { and, isNull, lte, ne, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { itemCard } from '../../cards/item.js';
import type { Db } from '../db/client.js';
import { lockItem, updateItem } from '../db/queries/items.js';
import { enqueueOutbox } from '../db/queries/outbox.js';
import { itemCards, items } from '../db/schema/index.js';
import { auditedChangeInTx } from '../workflow/audited.js';
import { syncItemCards } from '../workflow/item-cards.js';
import { itemCardView, type CardVariant, type ViewContext } from '../workflow/item-view.js';

/**
 * Lark stops edits and clicks on a card at 14 days (DESIGN.md §5). A copy older than
 * `policy.cards.repost_after` on an open item is posted again; the old one is marked as moved.
 */
export async function repostAgingCards(db: Db, view: ViewContext, log: Logger): Promise<number> {
  const cutoff = new Date(view.now.getTime() - view.policy.cards.repost_after * 60_000);
  const aging = await db
    .select({ id: itemCards.id, itemId: itemCards.itemId })
    .from(itemCards)
    .innerJoin(items, eq(items.id, itemCards.itemId))
    .where(and(isNull(itemCards.movedAt), lte(itemCards.sentAt, cutoff), ne(items.state, 'closed')));
  let reposted = 0;
  for (const itemId of [...new Set(aging.map((row) => row.itemId))]) {
    await db.transaction(async (tx) => {
      const item = await lockItem(tx, itemId);
      if (!item) return;
      const copies = (await tx.select().from(itemCards).where(and(eq(itemCards.itemId, itemId), isNull(itemCards.movedAt), lte(itemCards.sentAt, cutoff))));
      if (copies.length === 0) return;
      const updated = await auditedChangeInTx(tx, { at: view.now, actor: 'system:clock', action: 'item.cards_reposted', itemId, subject: `item:${item.ref}` }, async (t) => {
        const row = await updateItem(t, itemId, { updatedAt: view.now });
        return { value: row, after: { copies: copies.map((c) => c.audience) } };
      });
      for (const copy of copies) {
        await tx.update(itemCards).set({ movedAt: view.now }).where(eq(itemCards.id, copy.id));
        const moved = itemCard({ ...(await itemCardView(tx, updated, copy.variant as CardVariant, view)), actions: [], unitChoices: undefined, footnote: '此卡片已移至下方的新消息，请在新卡片上操作' });
        await enqueueOutbox(tx, `moved:${copy.id}`, { kind: 'patch', to: { sendKey: copy.sendKey, receiver: copy.audience }, lane: copy.audience, card: moved, version: updated.version }, view.now);
        reposted += 1;
      }
      // The audiences now have no live copy: the usual sync posts fresh ones.
      await syncItemCards(tx, updated, view);
    });
  }
  if (reposted > 0) log.info({ reposted }, 'aging cards posted again');
  return reposted;
}
