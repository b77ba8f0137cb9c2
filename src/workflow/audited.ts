import type { Db, Tx } from '../db/client.js';
import { insertAuditEntries, type AuditEntry } from '../db/queries/audit.js';

export interface ChangeMeta {
  at: Date;
  actor: string;
  action: string;
  itemId?: number;
  subject?: string;
}

export interface ChangeOutcome<T> {
  before?: unknown;
  after?: unknown;
  value: T;
  /** More audit rows when one intent changes several things (e.g. a sync). */
  extraAudit?: Omit<AuditEntry, 'at' | 'actor'>[];
}

/**
 * The one way application code changes state: the mutation and its audit row(s) commit in the
 * same transaction, or neither does. Returns what the mutation returned.
 */
export async function auditedChange<T>(db: Db, meta: ChangeMeta, mutate: (tx: Tx) => Promise<ChangeOutcome<T>>): Promise<T> {
  return db.transaction(async (tx) => auditedChangeInTx(tx, meta, mutate));
}

/** The same, inside a transaction the caller already holds (a use case spanning several changes). */
export async function auditedChangeInTx<T>(tx: Tx, meta: ChangeMeta, mutate: (tx: Tx) => Promise<ChangeOutcome<T>>): Promise<T> {
  const outcome = await mutate(tx);
  const rows: AuditEntry[] = [];
  if (outcome.before !== undefined || outcome.after !== undefined) {
    rows.push({ ...meta, before: outcome.before, after: outcome.after });
  }
  for (const extra of outcome.extraAudit ?? []) rows.push({ at: meta.at, actor: meta.actor, ...extra });
  await insertAuditEntries(tx, rows);
  return outcome.value;
}

/**
 * A change whose audit row is known before it is written (the caller holds the row it changes):
 * the write and the audit row go out together, one round trip, in the caller's transaction.
 */
export async function auditedWriteInTx<T>(tx: Tx, meta: ChangeMeta, audit: { before: unknown; after: unknown }, write: (tx: Tx) => Promise<T>): Promise<T> {
  const [value] = await Promise.all([write(tx), insertAuditEntries(tx, [{ ...meta, ...audit }])]);
  return value;
}
