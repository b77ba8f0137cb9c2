import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { builtOnce } from '../built-once.js';
import type { DbOrTx } from '../client.js';
import { confirmations, consultations, disputes, drafts, handoverAcks, handovers, publications, verifications } from '../schema/index.js';

export type DraftRow = typeof drafts.$inferSelect;
export type VerificationRow = typeof verifications.$inferSelect;
export type PublicationRow = typeof publications.$inferSelect;

const latestVerificationQuery = builtOnce((db) =>
  db.select().from(verifications).where(eq(verifications.itemId, sql.placeholder('itemId'))).orderBy(desc(verifications.id)).limit(1),
);

export async function latestVerification(db: DbOrTx, itemId: number): Promise<VerificationRow | undefined> {
  const [row] = await latestVerificationQuery(db, { itemId });
  return row;
}

export async function draftsOf(db: DbOrTx, itemId: number): Promise<DraftRow[]> {
  return db.select().from(drafts).where(eq(drafts.itemId, itemId)).orderBy(asc(drafts.version));
}

const publicationsQuery = builtOnce((db) =>
  db.select().from(publications).where(eq(publications.itemId, sql.placeholder('itemId'))).orderBy(asc(publications.publishedAt)),
);

export async function publicationsOf(db: DbOrTx, itemId: number): Promise<PublicationRow[]> {
  return publicationsQuery(db, { itemId });
}

export async function confirmationsOf(db: DbOrTx, itemId: number, draftVersion: number) {
  return db.select().from(confirmations).where(and(eq(confirmations.itemId, itemId), eq(confirmations.draftVersion, draftVersion)));
}

export async function openDispute(db: DbOrTx, itemId: number) {
  const [row] = await db.select().from(disputes).where(and(eq(disputes.itemId, itemId), isNull(disputes.decision))).orderBy(desc(disputes.id)).limit(1);
  return row;
}

export async function findDispute(db: DbOrTx, id: number) {
  const [row] = await db.select().from(disputes).where(eq(disputes.id, id));
  return row;
}

export async function handoversOf(db: DbOrTx, itemId: number) {
  return db.select().from(handovers).where(eq(handovers.itemId, itemId)).orderBy(asc(handovers.id));
}

export async function findHandover(db: DbOrTx, id: number) {
  const [row] = await db.select().from(handovers).where(eq(handovers.id, id));
  return row;
}

export async function handoverAcksOf(db: DbOrTx, handoverId: number) {
  return db.select().from(handoverAcks).where(eq(handoverAcks.handoverId, handoverId));
}

export async function consultationsOf(db: DbOrTx, itemId: number) {
  return db.select().from(consultations).where(eq(consultations.itemId, itemId)).orderBy(asc(consultations.id));
}

export async function findConsultation(db: DbOrTx, id: number) {
  const [row] = await db.select().from(consultations).where(eq(consultations.id, id));
  return row;
}
