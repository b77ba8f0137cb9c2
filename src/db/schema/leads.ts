import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { items } from './items.js';

/**
 * 线索 (R17): what a unit's liaison or leader, or an external monitoring system, passes to the news
 * office. A lead is never an item by itself: the news office registers it (登记为舆情), rejects it
 * with a reason (不予登记), or it is merged into an item that already covers the same article.
 *
 * `fields` holds the registration fields as reported (see `LeadFields` in db/queries/leads.ts);
 * `cards` the copies of the lead card that were sent (outbox send key and receiver), so every
 * change can patch them.
 */
export const leads = pgTable(
  'leads',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** `tip` (a person's command) or `intake` (the monitoring-system push). */
    channel: text('channel').notNull(),
    /** The reporter's open_id, or `monitor:<source>` for a monitoring system. */
    reporter: text('reporter').notNull(),
    /** The reporter's unit (null for a monitoring system). */
    unitCode: text('unit_code'),
    title: text('title').notNull(),
    fields: jsonb('fields').notNull(),
    url: text('url'),
    /** The link after normalisation (links.ts): how a second push of one article is recognised. */
    urlKey: text('url_key'),
    /** open | registered | rejected | merged */
    status: text('status').notNull().default('open'),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull(),
    /** How many times a monitoring system pushed this article (1 for a person's lead). */
    pushes: integer('pushes').notNull().default(1),
    lastPushedAt: timestamp('last_pushed_at', { withTimezone: true }).notNull(),
    handledBy: text('handled_by'),
    handledAt: timestamp('handled_at', { withTimezone: true }),
    /** Why it was not registered (told to the reporter). */
    reason: text('reason'),
    /** The item it became, or was merged into. */
    itemId: bigint('item_id', { mode: 'number' }).references(() => items.id),
    /** When nobody had handled it in time and the news office's leaders were told (once). */
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    cards: jsonb('cards').$type<{ sendKey: string; audience: string }[]>().notNull().default([]),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('leads_open').on(t.status, t.reportedAt),
    index('leads_url_key').on(t.urlKey),
    index('leads_unit').on(t.unitCode, t.reportedAt),
    index('leads_item').on(t.itemId),
  ],
);
