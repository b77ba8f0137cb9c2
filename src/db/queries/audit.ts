import { arrayLiteral } from '../array-literal.js';
import { runFixed } from '../built-once.js';
import { securityEvents } from '../schema/index.js';
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

/**
 * One text for any number of entries (arrays, one per column), prepared once per connection.
 * `ordinality` keeps the entries' order in their ids: the timeline sorts equal times by id.
 */
const INSERT_ENTRIES = `
  insert into audit_log (at, actor, action, item_id, subject, before, after)
  select at, actor, action, item_id, subject, before::jsonb, after::jsonb
  from unnest($1::timestamptz[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[])
    with ordinality as t (at, actor, action, item_id, subject, before, after, n)
  order by n`;

const jsonOrNull = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

/** Insert only: the table has no update or delete path here, and a trigger refuses them anyway. */
export async function insertAuditEntries(db: DbOrTx, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const column = (pick: (entry: AuditEntry) => Date | string | number | null | undefined) => arrayLiteral(entries.map(pick));
  await runFixed(db, INSERT_ENTRIES, [
    column((entry) => entry.at),
    column((entry) => entry.actor),
    column((entry) => entry.action),
    column((entry) => entry.itemId),
    column((entry) => entry.subject),
    column((entry) => jsonOrNull(entry.before)),
    column((entry) => jsonOrNull(entry.after)),
  ]);
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
