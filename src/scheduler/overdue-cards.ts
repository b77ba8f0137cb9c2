import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { lockItem, updateItem } from '../db/queries/items.js';
import { clocks } from '../db/schema/index.js';
import { auditedChangeInTx } from '../workflow/audited.js';
import { syncItemCards } from '../workflow/item-cards.js';
import type { ViewContext } from '../workflow/item-view.js';
import { and, eq, isNull } from 'drizzle-orm';

/**
 * A clock that passes its due time changes what every copy of the item card must say (还剩… becomes
 * 已超时…), though nobody clicked anything. After the sweeper sends a clock's `due`/`overdue` step,
 * each such item gets one audited change (`item.clock_overdue`: the ledger's record of when it went
 * late) and its cards are patched, one transaction per item as for any other change.
 *
 * Separate from the sweep's transaction on purpose: the sweep holds items FOR SHARE alongside other
 * sweepers, and upgrading to the change's FOR UPDATE there could deadlock two of them. A crash in
 * between leaves a card stale until the item's next change, never a reminder lost or doubled.
 */
export async function redrawOverdueCards(db: Db, passedDue: { itemId: number; clock: string }[], view: ViewContext, log: Logger): Promise<number> {
  const byItem = new Map<number, Set<string>>();
  for (const { itemId, clock } of passedDue) byItem.set(itemId, (byItem.get(itemId) ?? new Set()).add(clock));
  let redrawn = 0;
  for (const [itemId, kinds] of byItem) {
    await db.transaction(async (tx) => {
      const item = await lockItem(tx, itemId);
      if (!item || item.state === 'closed') return;
      // Only clocks still running and still past due: one met meanwhile has nothing to show.
      const late: string[] = [];
      for (const kind of [...kinds].sort()) {
        const [clock] = await tx.select().from(clocks).where(and(eq(clocks.itemId, itemId), eq(clocks.kind, kind), isNull(clocks.metAt)));
        if (clock && (clock.extendedDueAt ?? clock.dueAt).getTime() <= view.now.getTime()) late.push(kind);
      }
      if (late.length === 0) return;
      const updated = await auditedChangeInTx(tx, { at: view.now, actor: 'system:clock', action: 'item.clock_overdue', itemId: item.id, subject: `item:${item.ref}` }, async (t) => {
        const row = await updateItem(t, item.id, { updatedAt: view.now });
        return { value: row, before: null, after: { overdue: late } };
      });
      await syncItemCards(tx, updated, view);
      redrawn += 1;
    });
  }
  if (redrawn > 0) log.info({ items: [...byItem.keys()], redrawn }, 'clocks passed due; item cards redrawn');
  return redrawn;
}
