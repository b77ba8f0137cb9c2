import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Every event Lark delivered, keyed for dedupe: the event id, and for messages the message id
 * (Lark may redeliver one message under a new event id). Kept at least 7 days.
 */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: text('event_id').notNull(),
    messageId: text('message_id'),
    eventType: text('event_type').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('inbound_event_id').on(t.eventId),
    uniqueIndex('inbound_message_id').on(t.messageId).where(sql`${t.messageId} is not null`),
    index('inbound_received').on(t.receivedAt),
  ],
);

/**
 * Everything the bot sends to Lark, written in the same transaction as the change that caused it.
 * `lane` orders delivery: only the oldest open row of a lane is sent, so a chat sees its
 * messages in order. Recipients are resolved when a row is sent, not when it is queued.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Idempotency key of the row; the Lark `uuid` is derived from it. */
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    lane: text('lane').notNull(),
    target: jsonb('target').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deadAt: timestamp('dead_at', { withTimezone: true }),
    /** Per-recipient progress and ids Lark returned (message ids, chat id, file key). */
    result: jsonb('result'),
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('outbox_key').on(t.key),
    index('outbox_open_lane').on(t.lane, t.id).where(sql`${t.sentAt} is null and ${t.deadAt} is null`),
    // Each patch looks up the other patches of its message (the newest sent, a newer queued).
    index('outbox_patch_copy').on(sql`(${t.target}->>'copy')`, t.id).where(sql`${t.kind} = 'patch'`),
    // The card redraws count the patches still to send before every claim (card-redraws.ts).
    index('outbox_open_patches').on(t.id).where(sql`${t.kind} = 'patch' and ${t.sentAt} is null and ${t.deadAt} is null`),
  ],
);
