import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Append-only: a database trigger refuses UPDATE and DELETE (migration 0001). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    itemId: bigint('item_id', { mode: 'number' }),
    /** What changed when it is not an item, e.g. `unit:health` or `person:ou_x`. */
    subject: text('subject'),
    before: jsonb('before'),
    after: jsonb('after'),
  },
  (t) => [
    index('audit_item').on(t.itemId, t.at),
    index('audit_at').on(t.at),
    // Reports name reopened and recurred items: a handful among millions of audit rows.
    index('audit_reopened').on(t.itemId).where(sql`${t.action} in ('item.recurred', 'item.reopened')`),
  ],
);

/** Refusals and bad requests: who tried what, and why it was refused. */
export const securityEvents = pgTable(
  'security_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    kind: text('kind').notNull(),
    actor: text('actor'),
    action: text('action'),
    reason: text('reason').notNull(),
    detail: jsonb('detail'),
  },
  (t) => [index('security_at').on(t.at)],
);
