import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { arrayLiteral } from '../array-literal.js';
import { builtOnce, clientOf, runFixed } from '../built-once.js';
import type { DbOrTx } from '../client.js';
import { itemCards, items, itemUnits, refCounters } from '../schema/index.js';

export type ItemRow = typeof items.$inferSelect;
export type NewItemRow = typeof items.$inferInsert;
export type ItemCardRow = typeof itemCards.$inferSelect;

/**
 * The next number for a local date, inside the caller's transaction: concurrent registrations
 * serialise on the counter row, so references never repeat and never skip on rollback.
 */
export async function allocateRefNumber(db: DbOrTx, localDate: string): Promise<number> {
  const [row] = await db
    .insert(refCounters)
    .values({ localDate, last: 1 })
    .onConflictDoUpdate({ target: refCounters.localDate, set: { last: sql`${refCounters.last} + 1` } })
    .returning({ last: refCounters.last });
  return row!.last;
}

export async function insertItem(db: DbOrTx, row: NewItemRow): Promise<ItemRow> {
  const [inserted] = await db.insert(items).values(row).returning();
  return inserted!;
}

export async function findItemByRef(db: DbOrTx, ref: string): Promise<ItemRow | undefined> {
  const [row] = await db.select().from(items).where(eq(items.ref, ref.toUpperCase()));
  return row;
}

const itemByIdQuery = builtOnce((db) => db.select().from(items).where(eq(items.id, sql.placeholder('id'))));

export async function findItemById(db: DbOrTx, id: number): Promise<ItemRow | undefined> {
  const [row] = await itemByIdQuery(db, { id });
  return row;
}

const lockItemQuery = builtOnce((db) => db.select().from(items).where(eq(items.id, sql.placeholder('id'))).for('update'));

/** Locks the item row for the rest of the transaction: concurrent clicks on one item take turns. */
export async function lockItem(db: DbOrTx, id: number): Promise<ItemRow | undefined> {
  const [row] = await lockItemQuery(db, { id });
  return row;
}

const shareItemQuery = builtOnce((db) => db.select().from(items).where(eq(items.id, sql.placeholder('id'))).for('share'));

/**
 * Holds the item row from change for the rest of the transaction, without keeping out others that
 * only hold it too (the reminder sweeper holds items FOR SHARE and skips the ones it cannot).
 */
export async function shareItem(db: DbOrTx, id: number): Promise<ItemRow | undefined> {
  const [row] = await shareItemQuery(db, { id });
  return row;
}

export async function findItemsByUrlKey(db: DbOrTx, urlKey: string): Promise<ItemRow[]> {
  return db.select().from(items).where(eq(items.urlKey, urlKey)).orderBy(asc(items.id));
}

type ItemUpdate = (db: DbOrTx, values: Record<string, unknown>) => Promise<ItemRow[]>;

/**
 * The update of each set of changed columns, built once (its returning list alone is ~40 columns).
 * Columns set to null are part of the set's shape: drizzle's placeholders pass every value through
 * the column's encoder, which a timestamp's null would not survive.
 */
const updatesByColumns = new Map<string, ItemUpdate>();

function updateOfColumns(columns: readonly (keyof NewItemRow)[], nulls: ReadonlySet<keyof NewItemRow>): ItemUpdate {
  const signature = columns.map((column) => (nulls.has(column) ? `${column}=null` : column)).join(',');
  let update = updatesByColumns.get(signature);
  if (!update) {
    const set = Object.fromEntries(columns.map((column) => [column, nulls.has(column) ? sql`null` : sql.placeholder(`set_${column}`)]));
    update = builtOnce((db) =>
      db
        .update(items)
        .set({ ...set, version: sql`${items.version} + 1` })
        .where(eq(items.id, sql.placeholder('id')))
        .returning(),
    );
    updatesByColumns.set(signature, update);
  }
  return update;
}

export async function updateItem(db: DbOrTx, id: number, changes: Partial<NewItemRow>): Promise<ItemRow> {
  // As drizzle's .set() does: an undefined value leaves its column alone.
  const columns = (Object.keys(changes) as (keyof NewItemRow)[]).filter((column) => changes[column] !== undefined).sort();
  const values: Record<string, unknown> = { id };
  const nulls = new Set<keyof NewItemRow>();
  for (const column of columns) {
    if (changes[column] === null) nulls.add(column);
    else values[`set_${column}`] = changes[column];
  }
  const [row] = await updateOfColumns(columns, nulls)(db, values);
  return row!;
}

export interface ItemUnits {
  lead?: string;
  cooperating: string[];
}

const activeItemUnitsQuery = builtOnce((db) =>
  db
    .select()
    .from(itemUnits)
    .where(and(eq(itemUnits.itemId, sql.placeholder('itemId')), eq(itemUnits.active, true)))
    .orderBy(asc(itemUnits.since), asc(itemUnits.unitCode)),
);

type ItemUnitRow = typeof itemUnits.$inferSelect;

/** `rows`: one item's active unit rows, in the order they joined. */
function asItemUnits(rows: ItemUnitRow[]): ItemUnits {
  return { lead: rows.find((r) => r.role === 'lead')?.unitCode, cooperating: rows.filter((r) => r.role === 'cooperating').map((r) => r.unitCode) };
}

async function readUnitsOfItem(db: DbOrTx, itemId: number): Promise<ItemUnits> {
  return asItemUnits(await activeItemUnitsQuery(db, { itemId }));
}

/** The active units of many items in one statement (lists); every id asked for has an entry. */
export async function unitsOfItems(db: DbOrTx, itemIds: readonly number[]): Promise<Map<number, ItemUnits>> {
  const rows =
    itemIds.length === 0
      ? []
      : await db
          .select()
          .from(itemUnits)
          .where(and(inArray(itemUnits.itemId, [...itemIds]), eq(itemUnits.active, true)))
          .orderBy(asc(itemUnits.itemId), asc(itemUnits.since), asc(itemUnits.unitCode));
  const byItem = new Map<number, ItemUnitRow[]>(itemIds.map((id) => [id, []]));
  for (const row of rows) byItem.get(row.itemId)!.push(row);
  return new Map([...byItem].map(([id, unitRows]) => [id, asItemUnits(unitRows)]));
}

/**
 * Per transaction (or savepoint: its own client), the units read so far: a change asks for them
 * several times (the roles check, the card's audiences, the card itself). setItemUnits, the one
 * writer, drops every transaction's, so one that wrote (or whose savepoint wrote) reads again.
 */
let unitsRead = new WeakMap<object, Map<number, Promise<ItemUnits>>>();

/**
 * Gives a savepoint the units its transaction read for the item just before the savepoint opened
 * (nothing can have changed them between): the savepoint does not read them again.
 */
export function carryUnitsOfItem(savepoint: DbOrTx, itemId: number, units: Promise<ItemUnits>): void {
  if (!(savepoint instanceof PgTransaction)) return;
  const read = unitsReadBy(savepoint);
  if (!read.has(itemId)) read.set(itemId, units);
}

/** The units a transaction (or savepoint) has read so far, by item. */
function unitsReadBy(tx: DbOrTx): Map<number, Promise<ItemUnits>> {
  const client = clientOf(tx);
  let read = unitsRead.get(client);
  if (!read) unitsRead.set(client, (read = new Map()));
  return read;
}

export async function unitsOfItem(db: DbOrTx, itemId: number): Promise<ItemUnits> {
  if (!(db instanceof PgTransaction)) return readUnitsOfItem(db, itemId);
  const read = unitsReadBy(db);
  let units = read.get(itemId);
  if (!units) {
    units = readUnitsOfItem(db, itemId);
    read.set(itemId, units);
    units.catch(() => read.delete(itemId));
  }
  const { lead, cooperating } = await units;
  // A copy each: callers may change what they get.
  return { lead, cooperating: [...cooperating] };
}

export async function setItemUnits(db: DbOrTx, itemId: number, next: ItemUnits, at: Date): Promise<void> {
  unitsRead = new WeakMap();
  await db.update(itemUnits).set({ active: false }).where(eq(itemUnits.itemId, itemId));
  const rows = [
    ...(next.lead ? [{ itemId, unitCode: next.lead, role: 'lead', active: true, since: at }] : []),
    ...next.cooperating.map((unitCode) => ({ itemId, unitCode, role: 'cooperating', active: true, since: at })),
  ];
  for (const row of rows) {
    await db.insert(itemUnits).values(row).onConflictDoUpdate({ target: [itemUnits.itemId, itemUnits.unitCode, itemUnits.role], set: { active: true, since: at } });
  }
  // Again: a read made meanwhile may have seen the change half done.
  unitsRead = new WeakMap();
}

const liveCardsQuery = builtOnce((db) =>
  db
    .select()
    .from(itemCards)
    .where(and(eq(itemCards.itemId, sql.placeholder('itemId')), sql`${itemCards.movedAt} is null`))
    .orderBy(asc(itemCards.id)),
);

export async function liveCardsOf(db: DbOrTx, itemId: number): Promise<ItemCardRow[]> {
  return liveCardsQuery(db, { itemId });
}

export async function insertItemCard(db: DbOrTx, row: typeof itemCards.$inferInsert): Promise<void> {
  await db.insert(itemCards).values(row);
}

export async function setCardVersions(db: DbOrTx, cardIds: number[], version: number): Promise<void> {
  if (cardIds.length === 0) return;
  // One text for any number of cards (an in-list would be a new statement per count).
  await runFixed(db, 'update item_cards set version = $1 where id = any($2::bigint[])', [version, arrayLiteral(cardIds)]);
}

export interface ItemListFilter {
  states?: string[];
  unit?: string;
  includeDrill?: boolean;
  limit?: number;
}

export async function listItems(db: DbOrTx, filter: ItemListFilter): Promise<ItemRow[]> {
  const conditions = [];
  if (filter.states) conditions.push(inArray(items.state, filter.states));
  if (!filter.includeDrill) conditions.push(eq(items.drill, false));
  if (filter.unit) {
    conditions.push(
      sql`exists (select 1 from ${itemUnits} iu where iu.item_id = ${items.id} and iu.unit_code = ${filter.unit} and iu.active)`,
    );
  }
  return db
    .select()
    .from(items)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(items.registeredAt))
    .limit(filter.limit ?? 50);
}
