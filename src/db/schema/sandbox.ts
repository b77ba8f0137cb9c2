import { bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The sandbox's Feishu stand-in keeps its chats and messages here. The tables exist in every
 * database (one migration history), but only the sandbox database ever has rows in them.
 */
export const sandboxChats = pgTable('sandbox_chats', {
  chatId: text('chat_id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  /** For a private chat with the bot: whose. */
  owner: text('owner'),
  members: text('members').array().notNull(),
  createUuid: text('create_uuid'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export const sandboxMessages = pgTable(
  'sandbox_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messageId: text('message_id').notNull(),
    chatId: text('chat_id').notNull(),
    senderKind: text('sender_kind').notNull(),
    senderOpenId: text('sender_open_id'),
    msgType: text('msg_type').notNull(),
    content: jsonb('content').notNull(),
    replyTo: text('reply_to'),
    uuid: text('uuid'),
    urgentFor: text('urgent_for').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('sandbox_messages_id').on(t.messageId), uniqueIndex('sandbox_messages_uuid').on(t.uuid), index('sandbox_messages_chat').on(t.chatId, t.id)],
);

/** Small persistent settings: the clock offset, the generated app secret and keys. */
export const sandboxState = pgTable('sandbox_state', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
});
