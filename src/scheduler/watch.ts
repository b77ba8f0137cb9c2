import { and, eq, lte } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { lockItem, updateItem } from '../db/queries/items.js';
import { clocks, items } from '../db/schema/index.js';
import { transition, type ItemState } from '../domain/lifecycle.js';
import { auditedChangeInTx } from '../workflow/audited.js';
import { syncItemCards } from '../workflow/item-cards.js';
import type { ViewContext } from '../workflow/item-view.js';

/** R12: the watch after a response ends by itself; the item is closed (a recurrence reopens it). */
export async function finishWatches(db: Db, view: ViewContext, log: Logger): Promise<number> {
  const due = await db
    .select({ id: items.id })
    .from(items)
    .innerJoin(clocks, and(eq(clocks.itemId, items.id), eq(clocks.kind, 'watch')))
    .where(and(eq(items.state, 'watching'), lte(clocks.dueAt, view.now)));
  let finished = 0;
  for (const { id } of due) {
    await db.transaction(async (tx) => {
      const item = await lockItem(tx, id);
      if (!item || item.state !== 'watching') return;
      const next = transition(item.state as ItemState, 'finish_watch');
      if (!next.ok) return;
      const updated = await auditedChangeInTx(tx, { at: view.now, actor: 'system:clock', action: 'item.watch_finished', itemId: item.id, subject: `item:${item.ref}` }, async (t) => {
        const row = await updateItem(t, item.id, { state: next.to, closedAt: view.now, updatedAt: view.now });
        return { value: row, before: { state: item.state }, after: { state: row.state } };
      });
      await syncItemCards(tx, updated, view);
      finished += 1;
    });
  }
  if (finished > 0) log.info({ finished }, 'watch periods ended; items closed');
  return finished;
}
