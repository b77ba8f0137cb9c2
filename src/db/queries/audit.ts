import { sql } from 'drizzle-orm';
import { builtOnce } from '../built-once.js';
import { auditLog, securityEvents } from '../schema/index.js';
import type { DbOrTx } from '../client.js';

export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  itemId?: number;
  subject?: string;
  before?: unknown;
  after?: unknown;
}

/** Most changes write one entry: that statement is built once. */
const insertOneQuery = builtOnce((db) =>
  db.insert(auditLog).values({
    at: sql.placeholder('at'),
    actor: sql.placeholder('actor'),
    action: sql.placeholder('action'),
    itemId: sql.placeholder('itemId'),
    subject: sql.placeholder('subject'),
    // As SQL, so a missing value is NULL (drizzle would encode a placeholder's null as JSON null).
    before: sql`${sql.placeholder('before')}::jsonb`,
    after: sql`${sql.placeholder('after')}::jsonb`,
  }),
);

const jsonOrNull = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

/** Insert only: the table has no update or delete path here, and a trigger refuses them anyway. */
export async function insertAuditEntries(db: DbOrTx, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  if (entries.length === 1) {
    const [entry] = entries as [AuditEntry];
    await insertOneQuery(db, { ...entry, itemId: entry.itemId ?? null, subject: entry.subject ?? null, before: jsonOrNull(entry.before), after: jsonOrNull(entry.after) });
    return;
  }
  await db.insert(auditLog).values(
    entries.map((entry) => ({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      itemId: entry.itemId ?? null,
      subject: entry.subject ?? null,
      before: entry.before ?? null,
      after: entry.after ?? null,
    })),
  );
}

export interface SecurityEvent {
  at: Date;
  kind: 'refused_action' | 'bad_payload' | 'bad_request' | 'bad_signature' | 'stale_request' | 'bad_token';
  actor?: string;
  action?: string;
  reason: string;
  detail?: unknown;
}

export async function insertSecurityEvent(db: DbOrTx, event: SecurityEvent): Promise<void> {
  await db.insert(securityEvents).values({
    at: event.at,
    kind: event.kind,
    actor: event.actor ?? null,
    action: event.action ?? null,
    reason: event.reason,
    detail: event.detail ?? null,
  });
}
