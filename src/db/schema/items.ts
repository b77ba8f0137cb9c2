import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { units } from './organisation.js';

/** One public-opinion item (R1). `version` counts changes; every card copy shows the latest. */
export const items = pgTable(
  'items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ref: text('ref').notNull(),
    title: text('title').notNull(),
    summary: text('summary'),
    source: text('source'),
    url: text('url'),
    /** The link after normalisation, for catching the same article twice. */
    urlKey: text('url_key'),
    postedAt: timestamp('posted_at', { withTimezone: true }),
    discoveredAt: timestamp('discovered_at', { withTimezone: true }).notNull(),
    registeredAt: timestamp('registered_at', { withTimezone: true }).notNull(),
    registeredBy: text('registered_by').notNull(),
    spread: jsonb('spread').$type<{ views?: number; reposts?: number; comments?: number }>(),
    propagationPath: text('propagation_path'),
    commentSituation: text('comment_situation'),
    netizenViews: text('netizen_views'),
    category: text('category').notNull(),
    level: text('level').notNull(),
    kind: text('kind').notNull(),
    state: text('state').notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    drill: boolean('drill').notNull().default(false),
    /** Why the lead unit was chosen (explicit, keywords …), shown on the card. */
    routingNote: text('routing_note'),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('items_ref').on(t.ref),
    index('items_url_key').on(t.urlKey),
    index('items_state').on(t.state),
    // Reports read a period's items (drills filtered out on the rows); lists (/yq list) the newest
    // first of all items, drills included: read backwards, not sorted. One index for both, so an
    // item's change (every click) writes one registered_at entry, not two.
    index('items_registered_any').on(t.registeredAt),
    // The notable items of a period (major, critical, rumours), newest first, without reading the rest.
    index('items_notable_registered').on(t.registeredAt).where(sql`not ${t.drill} and (${t.level} in ('major', 'critical') or ${t.category} = 'rumour')`),
  ],
);

/** Lead and cooperating units of an item; a reassignment deactivates the old lead, never deletes it. */
export const itemUnits = pgTable(
  'item_units',
  {
    itemId: bigint('item_id', { mode: 'number' })
      .notNull()
      .references(() => items.id),
    unitCode: text('unit_code')
      .notNull()
      .references(() => units.code),
    role: text('role').notNull(),
    active: boolean('active').notNull().default(true),
    since: timestamp('since', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.unitCode, t.role] }), index('item_units_unit').on(t.unitCode)],
);

/** The last reference number used on each local date (YQ-YYYYMMDD-NNN). */
export const refCounters = pgTable('ref_counters', {
  localDate: text('local_date').primaryKey(),
  last: integer('last').notNull(),
});

/**
 * One card copy per (item, audience): a chat, or a person in private. The message id comes from
 * the outbox row that sent it (`sendKey`); patches and reminders reach the copy through it.
 */
export const itemCards = pgTable(
  'item_cards',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: bigint('item_id', { mode: 'number' })
      .notNull()
      .references(() => items.id),
    /** `chat:oc_…` or `user:ou_…` */
    audience: text('audience').notNull(),
    /** Which actions this copy shows: news, lead, cooperating, leader, observer. */
    variant: text('variant').notNull(),
    unitCode: text('unit_code'),
    sendKey: text('send_key').notNull(),
    version: integer('version').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    movedAt: timestamp('moved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('item_cards_live').on(t.itemId, t.audience).where(sql`${t.movedAt} is null`),
    index('item_cards_item').on(t.itemId),
  ],
);

/**
 * Items whose older card copies wait to be redrawn (DESIGN.md §5 Cards). A change leaves the other
 * copies at their old version and queues the item here, once however many changes follow; the
 * outbox sender redraws them from the item as it then is, as fast as Lark takes patches.
 */
export const cardRedraws = pgTable(
  'card_redraws',
  {
    itemId: bigint('item_id', { mode: 'number' })
      .primaryKey()
      .references(() => items.id),
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('card_redraws_queued').on(t.queuedAt, t.itemId)],
);
