import { sql, type InferSelectModel } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { clientOf, runFixed } from '../built-once.js';
import type { DbOrTx } from '../client.js';
import { rowFromJson } from '../json-rows.js';
import { outermostClient } from '../prepared-statements.js';
import { chatBindings, memberships, oversight, people, rosterOverrides, units } from '../schema/index.js';

/** Raised by every statement that writes an organisation table (migration 0015). */
export const ORG_CHANGED_NOTICE = 'yq:org_changed';

export type UnitRow = InferSelectModel<typeof units>;
export type PersonRow = InferSelectModel<typeof people>;

/** The organisation tables as one consistent read, with the lookups the bot makes. */
export interface OrgSnapshot {
  generation: string;
  /** Ordered by code, as the database orders them. */
  units: UnitRow[];
  unitsByCode: Map<string, UnitRow>;
  peopleByKey: Map<string, PersonRow>;
  peopleByOpenId: Map<string, PersonRow>;
  memberships: InferSelectModel<typeof memberships>[];
  oversight: InferSelectModel<typeof oversight>[];
  chatBindings: Map<string, string | null>;
  rosterOverrides: InferSelectModel<typeof rosterOverrides>[];
}

/**
 * The counter, labelled with the database (its oid) and the server (when it started): databases
 * cloned from one template, as the tests make, carry the same counter, and one process may meet
 * several of them.
 */
const GENERATION_TEXT = `g.n::text || '@' || (select oid from pg_database where datname = current_database())::text || '@' || extract(epoch from pg_postmaster_start_time())::text`;
const GENERATION = sql.raw(GENERATION_TEXT);
/** Read by every transaction that looks at the organisation: a parameter, so it is prepared once per connection. */
const CURRENT_GENERATION = `select ${GENERATION_TEXT} as generation from org_generation g where g.id = $1`;

async function load(db: DbOrTx): Promise<OrgSnapshot> {
  // One statement, so one snapshot of the database: the rows are those of the generation read with them.
  const [row] = await db.execute<{ generation: string } & Record<'units' | 'people' | 'memberships' | 'oversight' | 'chatBindings' | 'rosterOverrides', Record<string, unknown>[]>>(sql`
    select ${GENERATION} as generation,
      (select coalesce(json_agg(t order by t.code), '[]') from units t) as units,
      (select coalesce(json_agg(t), '[]') from people t) as people,
      (select coalesce(json_agg(t), '[]') from memberships t) as memberships,
      (select coalesce(json_agg(t), '[]') from oversight t) as oversight,
      (select coalesce(json_agg(t), '[]') from chat_bindings t) as "chatBindings",
      (select coalesce(json_agg(t), '[]') from roster_overrides t) as "rosterOverrides"
    from org_generation g where g.id = 1`);
  if (!row) throw new Error('org_generation has no row: run the migrations');
  const unitRows = row.units.map((r) => rowFromJson(units, r));
  const personRows = row.people.map((r) => rowFromJson(people, r));
  return {
    generation: row.generation,
    units: unitRows,
    unitsByCode: new Map(unitRows.map((unit) => [unit.code, unit])),
    peopleByKey: new Map(personRows.map((person) => [person.key, person])),
    peopleByOpenId: new Map(personRows.filter((person) => person.openId).map((person) => [person.openId!, person])),
    memberships: row.memberships.map((r) => rowFromJson(memberships, r)),
    oversight: row.oversight.map((r) => rowFromJson(oversight, r)),
    chatBindings: new Map(row.chatBindings.map((r) => rowFromJson(chatBindings, r)).map((binding) => [binding.unitCode, binding.chatId])),
    rosterOverrides: row.rosterOverrides.map((r) => rowFromJson(rosterOverrides, r)),
  };
}

/** The last snapshot this process loaded; any transaction that reads its generation may use it. */
let latest: OrgSnapshot | undefined;
/**
 * Per open transaction: the snapshot it has used (the read in flight, so reads made together
 * share it), so it reads the generation once. A transaction's is kept by its connection's client,
 * and its savepoints use it too; one a savepoint read is its own, as the savepoint may roll back.
 */
let perTransaction = new WeakMap<object, Promise<OrgSnapshot>>();

/**
 * Called for the notice every organisation write raises: a transaction that wrote (here, or in a
 * savepoint of it) must read the tables again, so every transaction's memo is dropped.
 */
export function forgetOrgSnapshots(): void {
  perTransaction = new WeakMap();
}

/**
 * The organisation as `db` sees it. In a transaction: read once and kept until the transaction
 * (or any other on this process) writes an organisation table. Outside one: checked per call.
 */
export function orgSnapshot(db: DbOrTx): Promise<OrgSnapshot> {
  if (!(db instanceof PgTransaction)) return current(db);
  const client = clientOf(db);
  const transaction = outermostClient(client);
  const key = transaction === client ? client : db;
  let memo = perTransaction.get(key) ?? perTransaction.get(transaction);
  if (!memo) {
    const memos = perTransaction;
    memo = current(db);
    memos.set(key, memo);
    memo.catch(() => memos.delete(key));
  }
  return memo;
}

async function current(db: DbOrTx): Promise<OrgSnapshot> {
  const [now] = await runFixed(db, CURRENT_GENERATION, [1]);
  let snapshot = latest;
  if (!snapshot || snapshot.generation !== now?.generation) latest = snapshot = await load(db);
  return snapshot;
}
