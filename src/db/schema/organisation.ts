import { boolean, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Units as the organisation file defines them; never deleted, only deactivated. */
export const units = pgTable('units', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  role: text('role').notNull(),
  /** The chat the file names; a chat binding made from Feishu overrides it (see chatBindings). */
  fileChatId: text('file_chat_id'),
  jointMeeting: boolean('joint_meeting').notNull().default(false),
  rumourHandover: boolean('rumour_handover').notNull().default(false),
  active: boolean('active').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** People are keyed by what the file names them with: an open_id, a mobile or an email. */
export const people = pgTable('people', {
  key: text('key').primaryKey(),
  openId: text('open_id').unique(),
  name: text('name').notNull(),
  isAdmin: boolean('is_admin').notNull().default(false),
  isCountyLeader: boolean('is_county_leader').notNull().default(false),
  /** False for someone first added from chat (by @mention): a re-sync must not deactivate them. */
  managedByFile: boolean('managed_by_file').notNull().default(true),
  active: boolean('active').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** Roster rows from the file. Chat edits live in rosterOverrides so a re-sync never undoes them. */
export const memberships = pgTable(
  'memberships',
  {
    unitCode: text('unit_code')
      .notNull()
      .references(() => units.code),
    personKey: text('person_key')
      .notNull()
      .references(() => people.key),
    role: text('role').notNull(),
    active: boolean('active').notNull().default(true),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitCode, t.personKey, t.role] }), index('memberships_person').on(t.personKey)],
);

/** Units a county leader oversees (分管). */
export const oversight = pgTable(
  'oversight',
  {
    leaderKey: text('leader_key')
      .notNull()
      .references(() => people.key),
    unitCode: text('unit_code')
      .notNull()
      .references(() => units.code),
    active: boolean('active').notNull().default(true),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.leaderKey, t.unitCode] })],
);

export const keywordRules = pgTable(
  'keyword_rules',
  {
    unitCode: text('unit_code')
      .notNull()
      .references(() => units.code),
    keyword: text('keyword').notNull(),
    active: boolean('active').notNull().default(true),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitCode, t.keyword] })],
);

/**
 * A chat bound (or unbound, chatId null) from Feishu. It wins over the file's chat_id and
 * survives re-syncs, because the file's author cannot know which group the bot was added to.
 */
export const chatBindings = pgTable('chat_bindings', {
  unitCode: text('unit_code')
    .primaryKey()
    .references(() => units.code),
  chatId: text('chat_id'),
  changedBy: text('changed_by').notNull(),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
});

/** Liaisons added or removed from chat; the latest row per (unit, person, role) decides. */
export const rosterOverrides = pgTable(
  'roster_overrides',
  {
    unitCode: text('unit_code')
      .notNull()
      .references(() => units.code),
    personKey: text('person_key')
      .notNull()
      .references(() => people.key),
    role: text('role').notNull(),
    present: boolean('present').notNull(),
    changedBy: text('changed_by').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitCode, t.personKey, t.role] })],
);

/** One row: what the last sync loaded, so operators can see which file and policy are in force. */
export const orgState = pgTable('org_state', {
  id: text('id').primaryKey(),
  timezone: text('timezone').notNull(),
  policy: jsonb('policy').notNull(),
  sourcePath: text('source_path').notNull(),
  sourceHash: text('source_hash').notNull(),
  syncedAt: timestamp('synced_at', { withTimezone: true }).notNull(),
});
