import { bigint, bigserial, boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { items } from './items.js';

/**
 * The records that run alongside an item's main path (DESIGN.md §2). Each is appended with who and
 * when; decisions are filled in once. They never block the state machine by themselves.
 */

const itemRef = () =>
  bigint('item_id', { mode: 'number' })
    .notNull()
    .references(() => items.id);
const at = (name: string) => timestamp(name, { withTimezone: true });

/** 申请改派: the lead unit asks for another unit; the news office reassigns or insists. */
export const disputes = pgTable(
  'disputes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: itemRef(),
    fromUnit: text('from_unit').notNull(),
    reason: text('reason').notNull(),
    suggestedUnit: text('suggested_unit'),
    by: text('by').notNull(),
    at: at('at').notNull(),
    decision: text('decision'),
    decidedBy: text('decided_by'),
    decidedAt: at('decided_at'),
    decisionNote: text('decision_note'),
  },
  (t) => [index('disputes_item').on(t.itemId)],
);

/** 核实 (R5); the latest one counts. */
export const verifications = pgTable(
  'verifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: itemRef(),
    outcome: text('outcome').notNull(),
    findings: text('findings').notNull(),
    rectificationNeeded: boolean('rectification_needed').notNull(),
    measures: text('measures'),
    /** Local date (YYYY-MM-DD) the rectification is due by. */
    rectifyBy: text('rectify_by'),
    by: text('by').notNull(),
    at: at('at').notNull(),
  },
  (t) => [index('verifications_item').on(t.itemId)],
);

/** Versions of the reply wording (R6). Approved text is locked by its hash. */
export const drafts = pgTable(
  'drafts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: itemRef(),
    version: integer('version').notNull(),
    text: text('text').notNull(),
    textHash: text('text_hash').notNull(),
    note: text('note'),
    drafter: text('drafter').notNull(),
    submittedAt: at('submitted_at').notNull(),
    decision: text('decision'),
    reviewer: text('reviewer'),
    reviewedAt: at('reviewed_at'),
    comment: text('comment'),
  },
  (t) => [uniqueIndex('drafts_item_version').on(t.itemId, t.version)],
);

/** 会签: a cooperating unit confirms (or objects to) the wording of one draft version. */
export const confirmations = pgTable(
  'confirmations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: itemRef(),
    draftVersion: integer('draft_version').notNull(),
    unitCode: text('unit_code').notNull(),
    agree: boolean('agree').notNull(),
    comment: text('comment'),
    by: text('by').notNull(),
    at: at('at').notNull(),
  },
  (t) => [uniqueIndex('confirmations_once').on(t.itemId, t.draftVersion, t.unitCode)],
);

/** R7: each publication with the approved version it carried (null with a news-office override). */
export const publications = pgTable(
  'publications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: itemRef(),
    channel: text('channel').notNull(),
    link: text('link'),
    publishedAt: at('published_at').notNull(),
    draftVersion: integer('draft_version'),
    overrideReason: text('override_reason'),
    by: text('by').notNull(),
    at: at('at').notNull(),
  },
  (t) => [index('publications_item').on(t.itemId)],
);

export const mediaContacts = pgTable(
  'media_contacts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: itemRef(),
    outlet: text('outlet').notNull(),
    journalist: text('journalist'),
    agreed: text('agreed').notNull(),
    contactedAt: at('contacted_at').notNull(),
    by: text('by').notNull(),
    at: at('at').notNull(),
  },
  (t) => [index('media_contacts_item').on(t.itemId)],
);

export const rectifications = pgTable(
  'rectifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: itemRef(),
    note: text('note').notNull(),
    doneAt: at('done_at').notNull(),
    by: text('by').notNull(),
    at: at('at').notNull(),
  },
  (t) => [index('rectifications_item').on(t.itemId)],
);

/** 批示 by a county leader (R9). */
export const instructions = pgTable(
  'instructions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: itemRef(),
    text: text('text').notNull(),
    by: text('by').notNull(),
    at: at('at').notNull(),
  },
  (t) => [index('instructions_item').on(t.itemId)],
);

/** R11: a rumour handed to the police / cyber regulator; each target acknowledges. */
export const handovers = pgTable(
  'handovers',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: itemRef(),
    targets: text('targets').array().notNull(),
    evidence: text('evidence').notNull(),
    note: text('note'),
    by: text('by').notNull(),
    at: at('at').notNull(),
  },
  (t) => [index('handovers_item').on(t.itemId)],
);

export const handoverAcks = pgTable(
  'handover_acks',
  {
    handoverId: bigint('handover_id', { mode: 'number' })
      .notNull()
      .references(() => handovers.id),
    unitCode: text('unit_code').notNull(),
    by: text('by').notNull(),
    at: at('at').notNull(),
  },
  (t) => [uniqueIndex('handover_acks_once').on(t.handoverId, t.unitCode)],
);

/** R10: a joint consultation, its record, and the county leader's approval (报审). */
export const consultations = pgTable(
  'consultations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: itemRef(),
    /** The outbox key of the create_chat row: the group is reached as { createdChat: key }. */
    chatKey: text('chat_key').notNull(),
    convenedBy: text('convened_by').notNull(),
    convenedAt: at('convened_at').notNull(),
    nature: text('nature'),
    trend: text('trend'),
    risks: text('risks'),
    disposal: text('disposal'),
    wording: text('wording'),
    assigned: text('assigned').array(),
    recordedBy: text('recorded_by'),
    recordedAt: at('recorded_at'),
    approval: text('approval'),
    approvedBy: text('approved_by'),
    approvedAt: at('approved_at'),
    approvalComment: text('approval_comment'),
  },
  (t) => [index('consultations_item').on(t.itemId)],
);
