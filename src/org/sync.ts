import { eq } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../db/client.js';
import type { AuditEntry } from '../db/queries/audit.js';
import { keywordRules, memberships, orgState, oversight, people, units } from '../db/schema/index.js';
import { auditedChange } from '../workflow/audited.js';
import { desiredOrg } from './desired.js';
import type { LoadedOrg } from './load.js';

export interface SyncSummary {
  inserted: number;
  updated: number;
  deactivated: number;
}

type Row = Record<string, unknown> & { active: boolean };

interface TableSpec {
  name: string;
  table: PgTable;
  keyOf: (row: Record<string, unknown>) => string;
  fields: string[];
  subject: (key: string) => string;
  /** The primary-key columns, for the upsert's conflict target. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  target: any;
  /** Rows the file never managed (people added from chat) are left alone when the file omits them. */
  outsideFile?: (row: Row) => boolean;
}

const SPECS = {
  units: { name: 'unit', table: units, keyOf: (r) => String(r.code), fields: ['name', 'role', 'fileChatId', 'jointMeeting', 'rumourHandover'], subject: (k) => `unit:${k}`, target: units.code },
  people: { name: 'person', table: people, keyOf: (r) => String(r.key), fields: ['openId', 'name', 'isAdmin', 'isCountyLeader', 'managedByFile'], subject: (k) => `person:${k}`, target: people.key, outsideFile: (row) => row.managedByFile === false },
  memberships: { name: 'membership', table: memberships, keyOf: (r) => `${r.unitCode}|${r.personKey}|${r.role}`, fields: [], subject: (k) => `membership:${k}`, target: [memberships.unitCode, memberships.personKey, memberships.role] },
  oversight: { name: 'oversight', table: oversight, keyOf: (r) => `${r.leaderKey}|${r.unitCode}`, fields: [], subject: (k) => `oversight:${k}`, target: [oversight.leaderKey, oversight.unitCode] },
  keywordRules: { name: 'keyword', table: keywordRules, keyOf: (r) => `${r.unitCode}|${r.keyword}`, fields: [], subject: (k) => `keyword:${k}`, target: [keywordRules.unitCode, keywordRules.keyword] },
} satisfies Record<string, TableSpec>;

function pick(row: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((field) => [field, row[field]]));
}

/**
 * Brings one table in line with the file: new rows inserted, changed rows updated, rows the file
 * no longer names deactivated (never deleted: open items keep their history).
 */
async function syncTable(tx: Tx, spec: TableSpec, desired: Map<string, Record<string, unknown>>, at: Date, audit: AuditEntry[], summary: SyncSummary) {
  const existing = new Map((await tx.select().from(spec.table)).map((row) => [spec.keyOf(row), row as Row]));
  const record = (action: string, key: string, before: unknown, after: unknown) =>
    audit.push({ at, actor: 'system:org-file', action: `org.${spec.name}.${action}`, subject: spec.subject(key), before, after });

  for (const [key, want] of desired) {
    const have = existing.get(key);
    if (!have) {
      await tx.insert(spec.table).values({ ...want, active: true, updatedAt: at });
      record('added', key, null, want);
      summary.inserted += 1;
      continue;
    }
    const changed = !have.active || spec.fields.some((field) => have[field] !== want[field]);
    if (!changed) continue;
    await tx
      .insert(spec.table)
      .values({ ...want, active: true, updatedAt: at })
      .onConflictDoUpdate({ target: spec.target, set: { ...pick(want, spec.fields), active: true, updatedAt: at } });
    record(have.active ? 'changed' : 'reactivated', key, { ...pick(have, spec.fields), active: have.active }, { ...pick(want, spec.fields), active: true });
    summary.updated += 1;
  }
  for (const [key, have] of existing) {
    if (desired.has(key) || !have.active || spec.outsideFile?.(have)) continue;
    await tx
      .insert(spec.table)
      .values({ ...have, active: false, updatedAt: at })
      .onConflictDoUpdate({ target: spec.target, set: { active: false, updatedAt: at } });
    record('deactivated', key, { active: true }, { active: false });
    summary.deactivated += 1;
  }
}

/**
 * Loads the organisation file into the tables in one audited transaction. Chat edits (bindings,
 * roster overrides) live in their own tables and are not touched, so they survive a re-sync.
 */
export async function syncOrganisation(db: Db, loaded: LoadedOrg, at: Date): Promise<SyncSummary> {
  const desired = desiredOrg(loaded.org);
  return auditedChange(db, { at, actor: 'system:org-file', action: 'org.sync', subject: `file:${loaded.path}` }, async (tx) => {
    const summary: SyncSummary = { inserted: 0, updated: 0, deactivated: 0 };
    const audit: AuditEntry[] = [];
    // Order matters for foreign keys: units and people before the rows that point at them.
    await syncTable(tx, SPECS.units, desired.units, at, audit, summary);
    await syncTable(tx, SPECS.people, desired.people, at, audit, summary);
    await syncTable(tx, SPECS.memberships, desired.memberships, at, audit, summary);
    await syncTable(tx, SPECS.oversight, desired.oversight, at, audit, summary);
    await syncTable(tx, SPECS.keywordRules, desired.keywordRules, at, audit, summary);

    const [previous] = await tx.select().from(orgState).where(eq(orgState.id, 'current'));
    const state = { id: 'current', timezone: loaded.org.timezone, policy: loaded.org.policy, sourcePath: loaded.path, sourceHash: loaded.hash, syncedAt: at };
    await tx.insert(orgState).values(state).onConflictDoUpdate({ target: orgState.id, set: state });
    const fileChanged = previous?.sourceHash !== loaded.hash;
    return {
      value: summary,
      before: fileChanged ? (previous ? { hash: previous.sourceHash, timezone: previous.timezone } : null) : undefined,
      after: fileChanged ? { hash: loaded.hash, timezone: loaded.org.timezone, ...summary } : undefined,
      extraAudit: audit.map(({ at: _at, actor: _actor, ...rest }) => rest),
    };
  });
}
