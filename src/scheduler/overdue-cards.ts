import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { lockItem, updateItem } from '../db/queries/items.js';
import { clocks } from '../db/schema/index.js';
import { auditedChangeInTx } from '../workflow/audited.js';
import { syncItemCards } from '../workflow/item-cards.js';
import type { ViewContext } from '../workflow/item-view.js';

/**
 * A clock that passes its due time changes what every copy of the item card must say (还剩… becomes
 * 已超时…), though nobody clicked anything. Each sweep finds the running clocks that have passed
 * due and were not noticed yet (`clocks.late_noted_at`, cleared when an extension moves the due
 * time); each such item gets one audited change (`item.clock_overdue`: the ledger's record of when
 * it went late), its clocks are marked noticed and its cards patched, one transaction per item as
 * for any other change. Independent of the reminders, so quiet hours never leave a card saying
 * 还剩 after the deadline.
 */
export async function redrawOverdueCards(db: Db, view: ViewContext, log: Logger, limit = 200): Promise<number> {
  const due = sql`coalesce(${clocks.extendedDueAt}, ${clocks.dueAt})`;
  // Running, past due, not noticed yet (the partial index clocks_unnoticed_due holds just these).
  const unnoticedLate = and(isNull(clocks.metAt), sql`${clocks.kind} <> 'watch'`, isNull(clocks.lateNotedAt), sql`${due} <= ${view.now.toISOString()}::timestamptz`);
  const candidates = await db.select({ itemId: clocks.itemId }).from(clocks).where(unnoticedLate).orderBy(due).limit(limit);
  const itemIds = [...new Set(candidates.map((row) => row.itemId))];
  let redrawn = 0;
  for (const itemId of itemIds) {
    await db.transaction(async (tx) => {
      const item = await lockItem(tx, itemId);
      if (!item) return;
      // Under the item's lock: only clocks still running, still past due and still unnoticed.
      const late = await tx
        .update(clocks)
        .set({ lateNotedAt: view.now })
        .where(and(eq(clocks.itemId, itemId), unnoticedLate))
        .returning({ kind: clocks.kind });
      // A closed item's card already says how each clock ended: noticed, nothing to redraw.
      if (late.length === 0 || item.state === 'closed') return;
      const kinds = late.map((row) => row.kind).sort();
      const updated = await auditedChangeInTx(tx, { at: view.now, actor: 'system:clock', action: 'item.clock_overdue', itemId: item.id, subject: `item:${item.ref}` }, async (t) => {
        const row = await updateItem(t, item.id, { updatedAt: view.now });
        return { value: row, before: null, after: { overdue: kinds } };
      });
      await syncItemCards(tx, updated, view);
      redrawn += 1;
    });
  }
  if (redrawn > 0) log.info({ items: itemIds, redrawn }, 'clocks passed due; item cards redrawn');
  return redrawn;
}
