import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, date, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * One row per scheduled report and period: inserted in the same transaction as the report's
 * outbox messages, so each period's report goes out exactly once, whatever the replicas or restarts.
 */
export const reportRuns = pgTable(
  'report_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').notNull(),
    /** The period's start as an ISO instant (with the kind, it names the period). */
    periodStart: text('period_start').notNull(),
    periodLabel: text('period_label').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('report_runs_once').on(t.kind, t.periodStart)],
);

/**
 * Report rollups (DESIGN.md §9): what each item adds to the reports, kept by database triggers in
 * the transaction of every change, so a month's report sums a few thousand rows instead of reading
 * every item and clock. `report_rollup` holds signed counts by the item's registration day (in the
 * zone of `report_settings`) and lead unit; a change appends the difference (`delta`) and a job
 * folds deltas into one row per key. `report_item_contrib` is what each item was last counted as,
 * so the next change can take exactly that back. The SQL is in migration 0013.
 */
export const reportSettings = pgTable('report_settings', {
  id: integer('id').primaryKey(),
  /** The zone whose local days the rollups are keyed by; the app rebuilds them if it changes. */
  tz: text('tz').notNull(),
});

export const reportItemContrib = pgTable('report_item_contrib', {
  itemId: bigint('item_id', { mode: 'number' }).primaryKey(),
  day: date('day'),
  unit: text('unit'),
  /** `metric:key`, once per count (sorted). */
  facts: text('facts').array().notNull(),
});

export const reportRollup = pgTable(
  'report_rollup',
  {
    day: date('day').notNull(),
    /** The lead unit's code, '' for none. */
    unit: text('unit').notNull(),
    metric: text('metric').notNull(),
    key: text('key').notNull(),
    n: bigint('n', { mode: 'number' }).notNull(),
    delta: boolean('delta').notNull().default(true),
  },
  (t) => [
    uniqueIndex('report_rollup_folded').on(t.day, t.unit, t.metric, t.key).where(sql`not ${t.delta}`),
    index('report_rollup_deltas').on(t.day).where(sql`${t.delta}`),
    // The trend reads item counts over many periods; the overdue count reads all days.
    index('report_rollup_items').on(t.day, t.unit).where(sql`${t.metric} = 'items'`),
    index('report_rollup_open_unmet').on(t.unit).where(sql`${t.metric} = 'open_unmet'`),
  ],
);
