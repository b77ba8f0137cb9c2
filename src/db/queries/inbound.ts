import { sql } from 'drizzle-orm';
import { builtOnce } from '../built-once.js';
import type { DbOrTx } from '../client.js';
import { inboundEvents } from '../schema/index.js';

const recordQuery = builtOnce((db) =>
  db
    .insert(inboundEvents)
    .values({ eventId: sql.placeholder('eventId'), messageId: sql.placeholder('messageId'), eventType: sql.placeholder('eventType'), receivedAt: sql.placeholder('receivedAt') })
    .onConflictDoNothing()
    .returning({ id: inboundEvents.id }),
);

/**
 * Records an event's dedupe keys in the caller's transaction. False means Lark delivered it before
 * (same event id, or the same message under a new event id): the caller must do nothing.
 */
export async function recordInboundEvent(
  db: DbOrTx,
  keys: { eventId: string; messageId?: string },
  eventType: string,
  at: Date,
): Promise<boolean> {
  const rows = await recordQuery(db, { eventId: keys.eventId, messageId: keys.messageId ?? null, eventType, receivedAt: at });
  return rows.length > 0;
}

/** Dedupe keys older than the cut-off can go: Lark stops redelivering after about a day. */
export async function deleteInboundEventsBefore(db: DbOrTx, cutoff: Date): Promise<number> {
  const rows = await db.execute(sql`delete from ${inboundEvents} where received_at < ${cutoff.toISOString()}::timestamptz returning 1`);
  return rows.length;
}
