import { and, asc, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { assessmentLinks, assessments, items } from '../schema/index.js';

export type AssessmentRow = typeof assessments.$inferSelect;
export type NewAssessmentRow = typeof assessments.$inferInsert;
export type AssessmentLinkRow = typeof assessmentLinks.$inferSelect;

export async function insertAssessment(db: DbOrTx, row: NewAssessmentRow): Promise<AssessmentRow> {
  const [inserted] = await db.insert(assessments).values(row).returning();
  return inserted!;
}

export async function findAssessment(db: DbOrTx, id: number): Promise<AssessmentRow | undefined> {
  const [row] = await db.select().from(assessments).where(eq(assessments.id, id));
  return row;
}

/** Locks the assessment for the rest of the transaction: two clicks on it take turns. */
export async function lockAssessment(db: DbOrTx, id: number): Promise<AssessmentRow | undefined> {
  const [row] = await db.select().from(assessments).where(eq(assessments.id, id)).for('update');
  return row;
}

/** Every change bumps `version`, so card patches of older versions are dropped. */
export async function updateAssessment(db: DbOrTx, id: number, changes: Partial<NewAssessmentRow>): Promise<AssessmentRow> {
  const [row] = await db
    .update(assessments)
    .set({ ...changes, version: sql`${assessments.version} + 1` })
    .where(eq(assessments.id, id))
    .returning();
  return row!;
}

/** Newest first; one unit's, or all of them. */
export async function listAssessments(db: DbOrTx, options: { unitCodes?: string[]; limit: number }): Promise<AssessmentRow[]> {
  return db
    .select()
    .from(assessments)
    .where(options.unitCodes ? inArray(assessments.unitCode, options.unitCodes.length > 0 ? options.unitCodes : ['']) : undefined)
    .orderBy(desc(assessments.releaseDate), desc(assessments.id))
    .limit(options.limit);
}

/** Assessments released in [from, to] (local date keys) with the given drill flag: the ones an item may link to. */
export async function assessmentsReleasedBetween(db: DbOrTx, from: string, to: string, drill: boolean): Promise<AssessmentRow[]> {
  return db
    .select()
    .from(assessments)
    .where(and(gte(assessments.releaseDate, from), lte(assessments.releaseDate, to), eq(assessments.drill, drill)))
    .orderBy(asc(assessments.id));
}

/**
 * Candidates for the "plan missing" reminder: release between `from` and `to`, plan or wording
 * empty, not yet reminded for this release date. Locked with SKIP LOCKED so replicas and
 * overlapping sweeps never remind twice; the caller decides which are due and marks them.
 */
export async function claimReminderCandidates(db: DbOrTx, from: string, to: string, limit = 50): Promise<AssessmentRow[]> {
  return db
    .select()
    .from(assessments)
    .where(
      and(
        gte(assessments.releaseDate, from),
        lte(assessments.releaseDate, to),
        sql`(coalesce(btrim(${assessments.plan}), '') = '' or coalesce(btrim(${assessments.wording}), '') = '')`,
        sql`${assessments.remindedFor} is distinct from ${assessments.releaseDate}`,
      ),
    )
    .orderBy(asc(assessments.releaseDate), asc(assessments.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Records the link once (a second registration path for the same pair does nothing); true when new. */
export async function insertAssessmentLink(db: DbOrTx, row: typeof assessmentLinks.$inferInsert): Promise<boolean> {
  const inserted = await db.insert(assessmentLinks).values(row).onConflictDoNothing().returning({ id: assessmentLinks.id });
  return inserted.length > 0;
}

/** The items linked to an assessment, oldest first. */
export async function linksOfAssessment(db: DbOrTx, assessmentId: number) {
  return db
    .select({ ref: items.ref, title: items.title, keyword: assessmentLinks.keyword, linkedAt: assessmentLinks.linkedAt })
    .from(assessmentLinks)
    .innerJoin(items, eq(items.id, assessmentLinks.itemId))
    .where(eq(assessmentLinks.assessmentId, assessmentId))
    .orderBy(asc(assessmentLinks.id));
}

export async function linkCounts(db: DbOrTx, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: assessmentLinks.assessmentId, n: sql<number>`count(*)::int` })
    .from(assessmentLinks)
    .where(inArray(assessmentLinks.assessmentId, ids))
    .groupBy(assessmentLinks.assessmentId);
  return new Map(rows.map((row) => [row.id, Number(row.n)]));
}
