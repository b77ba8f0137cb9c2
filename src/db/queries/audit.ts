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

/** Insert only: the table has no update or delete path here, and a trigger refuses them anyway. */
export async function insertAuditEntries(db: DbOrTx, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
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
