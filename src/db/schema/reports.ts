import { bigserial, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

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
