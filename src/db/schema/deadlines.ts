import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { items } from './items.js';

const itemRef = () =>
  bigint('item_id', { mode: 'number' })
    .notNull()
    .references(() => items.id);
const at = (name: string) => timestamp(name, { withTimezone: true });

/** The ledger's view of each clock (DESIGN.md §1a): kept in step with the item on every change. */
export const clocks = pgTable(
  'clocks',
  {
    itemId: itemRef(),
    kind: text('kind').notNull(),
    startsAt: at('starts_at').notNull(),
    dueAt: at('due_at').notNull(),
    extendedDueAt: at('extended_due_at'),
    metAt: at('met_at'),
    metBy: text('met_by'),
    beyondCalendar: boolean('beyond_calendar').notNull().default(false),
    updatedAt: at('updated_at').notNull(),
    /**
     * When the bot noticed this running clock pass its (effective) due time and redrew the item's
     * cards; cleared when the due time moves (an extension), so a clock is noticed once per due time.
     */
    lateNotedAt: at('late_noted_at'),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.kind] }),
    // Reports list what is overdue now, longest first: the running clocks in effective due order.
    index('clocks_open_due').on(sql`coalesce(${t.extendedDueAt}, ${t.dueAt})`).where(sql`${t.metAt} is null and ${t.kind} <> 'watch'`),
    // Each sweep looks for running clocks that have just passed due: only those not yet noticed.
    index('clocks_unnoticed_due')
      .on(sql`coalesce(${t.extendedDueAt}, ${t.dueAt})`)
      .where(sql`${t.metAt} is null and ${t.kind} <> 'watch' and ${t.lateNotedAt} is null`),
  ],
);

/** 延期 by the news office: the original due time stays in `clocks.due_at`. */
export const extensions = pgTable(
  'extensions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: itemRef(),
    clock: text('clock').notNull(),
    previousDueAt: at('previous_due_at').notNull(),
    newDueAt: at('new_due_at').notNull(),
    reason: text('reason').notNull(),
    by: text('by').notNull(),
    at: at('at').notNull(),
  },
  (t) => [index('extensions_item').on(t.itemId)],
);

/**
 * Reminder steps derived from the clocks and the ladder (DESIGN.md §1b). One row per step and due
 * time: a moved due time makes new steps; a stopped clock cancels pending ones in the same
 * transaction. The sweeper claims due rows with SKIP LOCKED.
 */
export const reminders = pgTable(
  'reminders',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: itemRef(),
    clock: text('clock').notNull(),
    step: text('step').notNull(),
    /** The clock's effective due time this step belongs to. */
    clockDueAt: at('clock_due_at').notNull(),
    dueAt: at('due_at').notNull(),
    audience: text('audience').array().notNull(),
    urgentFor: text('urgent_for').array().notNull(),
    /** pending | sent | cancelled | skipped (an earlier step an item was registered already past) */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    sentAt: at('sent_at'),
  },
  (t) => [
    uniqueIndex('reminders_step').on(t.itemId, t.clock, t.step, t.clockDueAt),
    index('reminders_due').on(t.status, t.dueAt),
  ],
);
