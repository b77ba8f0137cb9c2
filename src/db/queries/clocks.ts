import { and, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { CLOCK_KINDS, type ClockKind } from '../../domain/clocks.js';
import type { DbOrTx } from '../client.js';
import { clocks, reminders } from '../schema/index.js';

export type ReminderRow = typeof reminders.$inferSelect;

/**
 * The clocks of these items that are overdue at `now`, in CLOCK_KINDS order: not met by then and
 * past their due time (an extension's, if any); the watch period is never overdue. The rule of
 * `clockStatus`, read from the clocks table that every change of an item keeps (syncDeadlines)
 * instead of re-deriving each item's clocks from its records.
 */
export async function overdueClockKinds(db: DbOrTx, itemIds: number[], now: Date): Promise<Map<number, ClockKind[]>> {
  const overdue = new Map<number, ClockKind[]>();
  if (itemIds.length === 0) return overdue;
  const rows = await db
    .select({ itemId: clocks.itemId, kind: clocks.kind })
    .from(clocks)
    .where(
      and(
        inArray(clocks.itemId, itemIds),
        ne(clocks.kind, 'watch'),
        or(isNull(clocks.metAt), gt(clocks.metAt, now)),
        sql`coalesce(${clocks.extendedDueAt}, ${clocks.dueAt}) <= ${now.toISOString()}`,
      ),
    );
  const order = (kind: string) => CLOCK_KINDS.indexOf(kind as ClockKind);
  rows.sort((a, b) => a.itemId - b.itemId || order(a.kind) - order(b.kind));
  for (const row of rows) overdue.set(row.itemId, [...(overdue.get(row.itemId) ?? []), row.kind as ClockKind]);
  return overdue;
}
