import { and, desc, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { ReportAggregates } from '../../domain/report.js';
import type { DbOrTx } from '../client.js';
import { leads, units } from '../schema/index.js';

export type LeadRow = typeof leads.$inferSelect;
export type NewLeadRow = typeof leads.$inferInsert;
export type LeadStatus = 'open' | 'registered' | 'rejected' | 'merged';
export type LeadChannel = 'tip' | 'intake';

/**
 * The registration fields of a lead as reported, in the JSON column `fields`. Times are ISO
 * instants; codes are those of registration.ts (source, category, level, kind) and unit codes.
 */
export interface LeadFields {
  url?: string;
  source?: string;
  /** The platform as a monitoring system named it, when it matched no known source. */
  sourceText?: string;
  category?: string;
  level?: string;
  kind?: string;
  leadUnit?: string;
  cooperatingUnits?: string[];
  postedAt?: string;
  discoveredAt?: string;
  summary?: string;
  spread?: { views?: number; reposts?: number; comments?: number; likes?: number };
  path?: string;
  comments?: string;
  views?: string;
  drill?: boolean;
  /** Monitoring pushes: the system's tone and the keywords that matched. */
  sentiment?: 'negative' | 'neutral' | 'positive';
  keywords?: string[];
}

export function fieldsOf(lead: LeadRow): LeadFields {
  return (lead.fields ?? {}) as LeadFields;
}

export async function insertLead(db: DbOrTx, row: NewLeadRow): Promise<LeadRow> {
  const [inserted] = await db.insert(leads).values(row).returning();
  return inserted!;
}

export async function findLead(db: DbOrTx, id: number): Promise<LeadRow | undefined> {
  const [row] = await db.select().from(leads).where(eq(leads.id, id));
  return row;
}

/** Locks the lead for the rest of the transaction: two people handling it take turns. */
export async function lockLead(db: DbOrTx, id: number): Promise<LeadRow | undefined> {
  const [row] = await db.select().from(leads).where(eq(leads.id, id)).for('update');
  return row;
}

/** Every change bumps `version`, so card patches of older versions are dropped. */
export async function updateLead(db: DbOrTx, id: number, changes: Partial<NewLeadRow>): Promise<LeadRow> {
  const [row] = await db
    .update(leads)
    .set({ ...changes, version: sql`${leads.version} + 1` })
    .where(eq(leads.id, id))
    .returning();
  return row!;
}

/** The newest lead for this article first reported at or after `since`. */
export async function findRecentLeadByUrlKey(db: DbOrTx, urlKey: string, since: Date): Promise<LeadRow | undefined> {
  const [row] = await db
    .select()
    .from(leads)
    .where(and(eq(leads.urlKey, urlKey), gte(leads.reportedAt, since)))
    .orderBy(desc(leads.reportedAt), desc(leads.id))
    .limit(1)
    .for('update');
  return row;
}

/**
 * Serialises work on one article inside the caller's transaction: two pushes of the same link at
 * once (or from two replicas) merge instead of both creating a lead.
 */
export async function lockArticle(db: DbOrTx, urlKey: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`lead:${urlKey}`}, 0))`);
}

/**
 * Registration of an item from a lead: called by registerItem before the item's cards are built,
 * so the cards already name the lead's reporter.
 */
export async function linkLeadToItem(db: DbOrTx, leadId: number, itemId: number, by: string, at: Date): Promise<void> {
  await db
    .update(leads)
    .set({ status: 'registered', itemId, handledBy: by, handledAt: at, updatedAt: at, version: sql`${leads.version} + 1` })
    .where(eq(leads.id, leadId));
}

/**
 * Claims open leads reported at or before `cutoff` that were never escalated, marking them
 * escalated in the same statement. The inner SELECT skips rows another replica holds, and the
 * `escalated_at is null` condition is re-checked on update: each lead is escalated once.
 */
export async function claimLeadsToEscalate(db: DbOrTx, cutoff: Date, now: Date, limit = 50): Promise<LeadRow[]> {
  const claimable = db
    .select({ id: leads.id })
    .from(leads)
    .where(and(eq(leads.status, 'open'), sql`${leads.escalatedAt} is null`, sql`${leads.reportedAt} <= ${cutoff.toISOString()}::timestamptz`))
    .orderBy(leads.reportedAt)
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(leads)
    .set({ escalatedAt: now, version: sql`${leads.version} + 1`, updatedAt: now })
    .where(and(inArray(leads.id, claimable), eq(leads.status, 'open'), sql`${leads.escalatedAt} is null`))
    .returning();
}

/** Leads each unit reported in [from, to) (for the ledger, R14). Monitoring pushes have no unit; drills do not count. */
export async function leadCountsByUnit(db: DbOrTx, period: { from: Date; to: Date }, unitCode?: string): Promise<Map<string, { name: string; count: number }>> {
  const rows = await db
    .select({ unitCode: leads.unitCode, name: units.name, n: sql<number>`count(*)::int` })
    .from(leads)
    .innerJoin(units, eq(units.code, leads.unitCode))
    .where(
      and(
        isNotNull(leads.unitCode),
        // Drill leads (演练: 是) stay out of the ledger, as drill items stay out of reports.
        sql`coalesce((${leads.fields}->>'drill')::boolean, false) = false`,
        gte(leads.reportedAt, period.from),
        lt(leads.reportedAt, period.to),
        unitCode ? eq(leads.unitCode, unitCode) : undefined,
      ),
    )
    .groupBy(leads.unitCode, units.name);
  return new Map(rows.map((row) => [row.unitCode!, { name: row.name, count: Number(row.n) }]));
}

type LedgerRow = ReportAggregates['ledger'][number];

/**
 * The ledger's rows with each unit's lead count filled in; a unit that reported leads but led no
 * item in the period gets a row of its own (reporting counts in the assessment too, R14).
 */
export function withLeadCounts(rows: LedgerRow[], counts: Map<string, { name: string; count: number }>): LedgerRow[] {
  const out = rows.map((row) => ({ ...row, leads: counts.get(row.unitCode)?.count ?? 0 }));
  const present = new Set(rows.map((row) => row.unitCode));
  for (const [unitCode, { name, count }] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    if (present.has(unitCode)) continue;
    out.push({
      unitCode,
      unitName: name,
      items: 0,
      clocksTotal: 0,
      clocksOnTime: 0,
      medianAckMinutes: null,
      medianVerifyMinutes: null,
      medianRespondMinutes: null,
      overdue: 0,
      extensions: 0,
      disputes: 0,
      leads: count,
    });
  }
  return out;
}
