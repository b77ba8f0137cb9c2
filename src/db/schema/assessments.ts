import { bigint, bigserial, boolean, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { items } from './items.js';

/**
 * 舆情风险评估 (R17, notice §3.2): a unit's assessment of the opinion risks of a policy or decision
 * before it is released: who it affects, the risk level, the risks foreseen, the response plan and
 * the prepared wording. States and rules are in domain/assessments.ts.
 *
 * `cards` holds the copies of the assessment card that were sent (outbox send key, receiver and
 * whether it is the unit's copy with buttons), so every change can patch them.
 */
export const assessments = pgTable(
  'assessments',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The assessing unit. */
    unitCode: text('unit_code').notNull(),
    /** open_id of who registered it. */
    createdBy: text('created_by').notNull(),
    name: text('name').notNull(),
    /** The planned release date, a local date in the county's zone. */
    releaseDate: date('release_date', { mode: 'string' }).notNull(),
    affectedGroups: text('affected_groups'),
    /** low | medium | high */
    riskLevel: text('risk_level').notNull(),
    risks: text('risks'),
    plan: text('plan'),
    wording: text('wording'),
    keywords: jsonb('keywords').$type<string[]>().notNull(),
    /** 演练: links only drill items, as drill items stay out of reports. */
    drill: boolean('drill').notNull().default(false),
    /** draft | awaiting_approval | ready */
    state: text('state').notNull().default('draft'),
    approvalRequestedBy: text('approval_requested_by'),
    approvedBy: text('approved_by'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    /** The leader's comment when it was last returned (cleared on approval). */
    returnComment: text('return_comment'),
    /** The release date the "plan missing" reminder was sent for: once per date, again if the date moves. */
    remindedFor: date('reminded_for', { mode: 'string' }),
    cards: jsonb('cards').$type<{ sendKey: string; audience: string; unit: boolean }[]>().notNull().default([]),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('assessments_release').on(t.releaseDate), index('assessments_unit').on(t.unitCode, t.createdAt)],
);

/** An item registered after the release whose title or summary matched one of the assessment's keywords. */
export const assessmentLinks = pgTable(
  'assessment_links',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    assessmentId: bigint('assessment_id', { mode: 'number' })
      .notNull()
      .references(() => assessments.id),
    itemId: bigint('item_id', { mode: 'number' })
      .notNull()
      .references(() => items.id),
    keyword: text('keyword').notNull(),
    linkedAt: timestamp('linked_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('assessment_links_pair').on(t.assessmentId, t.itemId), index('assessment_links_item').on(t.itemId)],
);
