import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { chatBindings, memberships, oversight, people, rosterOverrides, units } from '../schema/index.js';

export type RosterRole = 'leader' | 'liaison' | 'member';

export interface Roster {
  leader: string[];
  liaison: string[];
  member: string[];
}

export async function findUnit(db: DbOrTx, code: string) {
  const [unit] = await db.select().from(units).where(eq(units.code, code));
  return unit;
}

export async function listActiveUnits(db: DbOrTx) {
  return db.select().from(units).where(eq(units.active, true)).orderBy(units.code);
}

export async function findPerson(db: DbOrTx, key: string) {
  const [person] = await db.select().from(people).where(eq(people.key, key));
  return person;
}

/** The file's roster with chat edits applied: the latest edit per (person, role) wins. */
export async function effectiveRoster(db: DbOrTx, unitCode: string): Promise<Roster> {
  const fromFile = await db
    .select({ personKey: memberships.personKey, role: memberships.role })
    .from(memberships)
    .innerJoin(people, eq(people.key, memberships.personKey))
    .where(and(eq(memberships.unitCode, unitCode), eq(memberships.active, true), eq(people.active, true)));
  const overrides = await db.select().from(rosterOverrides).where(eq(rosterOverrides.unitCode, unitCode));
  const present = new Set(fromFile.map((row) => `${row.role}|${row.personKey}`));
  for (const override of overrides) {
    const key = `${override.role}|${override.personKey}`;
    if (override.present) present.add(key);
    else present.delete(key);
  }
  const roster: Roster = { leader: [], liaison: [], member: [] };
  for (const key of [...present].sort()) {
    const [role, personKey] = key.split('|') as [RosterRole, string];
    roster[role].push(personKey);
  }
  return roster;
}

/** The chat a unit is reached in: a binding made from Feishu wins over the file; null = none. */
export async function effectiveChatId(db: DbOrTx, unitCode: string): Promise<string | null> {
  const [binding] = await db.select().from(chatBindings).where(eq(chatBindings.unitCode, unitCode));
  if (binding) return binding.chatId;
  return (await findUnit(db, unitCode))?.fileChatId ?? null;
}

export async function findPersonByOpenId(db: DbOrTx, openId: string) {
  const [person] = await db.select().from(people).where(eq(people.openId, openId));
  return person;
}

export interface PersonMembership {
  unitCode: string;
  unitName: string;
  unitRole: string;
  role: RosterRole;
}

/** The units a person belongs to, from the file and chat edits (the latest edit wins). */
export async function membershipsOf(db: DbOrTx, personKey: string): Promise<PersonMembership[]> {
  const fromFile = await db
    .select({ unitCode: memberships.unitCode, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.personKey, personKey), eq(memberships.active, true)));
  const overrides = await db.select().from(rosterOverrides).where(eq(rosterOverrides.personKey, personKey));
  const present = new Set(fromFile.map((row) => `${row.unitCode}|${row.role}`));
  for (const override of overrides) {
    const key = `${override.unitCode}|${override.role}`;
    if (override.present) present.add(key);
    else present.delete(key);
  }
  if (present.size === 0) return [];
  const unitRows = new Map((await listActiveUnits(db)).map((unit) => [unit.code, unit]));
  const result: PersonMembership[] = [];
  for (const key of [...present].sort()) {
    const [unitCode, role] = key.split('|') as [string, RosterRole];
    const unit = unitRows.get(unitCode);
    if (unit) result.push({ unitCode, unitName: unit.name, unitRole: unit.role, role });
  }
  return result;
}

/** Units a county leader oversees. */
export async function overseenUnits(db: DbOrTx, leaderKey: string): Promise<string[]> {
  const rows = await db
    .select({ unitCode: oversight.unitCode })
    .from(oversight)
    .where(and(eq(oversight.leaderKey, leaderKey), eq(oversight.active, true)));
  return rows.map((row) => row.unitCode).sort();
}

/** Units whose effective chat is this one (a group may serve one unit, rarely several). */
export async function unitsBoundToChat(db: DbOrTx, chatId: string): Promise<string[]> {
  const bound = await db.select({ unitCode: chatBindings.unitCode }).from(chatBindings).where(eq(chatBindings.chatId, chatId));
  const overridden = new Set((await db.select({ unitCode: chatBindings.unitCode }).from(chatBindings)).map((row) => row.unitCode));
  const fromFile = await db.select({ code: units.code }).from(units).where(and(eq(units.fileChatId, chatId), eq(units.active, true)));
  return [...new Set([...bound.map((row) => row.unitCode), ...fromFile.map((row) => row.code).filter((code) => !overridden.has(code))])].sort();
}

/** The one unit whose role is news_office (the file guarantees exactly one). */
export async function findNewsOfficeUnit(db: DbOrTx) {
  const [unit] = await db.select().from(units).where(and(eq(units.role, 'news_office'), eq(units.active, true)));
  return unit;
}

/** Active units with no chat: a binding to null, or no binding and no chat in the file. */
export async function unitsWithoutChat(db: DbOrTx) {
  const all = await listActiveUnits(db);
  const bindings = new Map((await db.select().from(chatBindings)).map((row) => [row.unitCode, row.chatId]));
  return all.filter((unit) => (bindings.has(unit.code) ? bindings.get(unit.code) === null : unit.fileChatId === null));
}

/** Open ids of the active admins. */
export async function adminOpenIds(db: DbOrTx): Promise<string[]> {
  const rows = await db
    .select({ openId: people.openId })
    .from(people)
    .where(and(eq(people.isAdmin, true), eq(people.active, true)));
  return rows.map((row) => row.openId).filter((id): id is string => Boolean(id)).sort();
}

/** Open ids for people keys (a key without a resolved open id is left out). */
export async function openIdsOf(db: DbOrTx, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await db.select({ key: people.key, openId: people.openId, active: people.active }).from(people).where(inArray(people.key, keys));
  return rows.filter((row) => row.active && row.openId).map((row) => row.openId!).sort();
}

/** Open ids of the county leaders who oversee a unit (分管县领导). */
export async function countyLeadersOverseeing(db: DbOrTx, unitCode: string | undefined): Promise<string[]> {
  if (!unitCode) return [];
  const rows = await db
    .select({ key: oversight.leaderKey })
    .from(oversight)
    .where(and(eq(oversight.unitCode, unitCode), eq(oversight.active, true)));
  return openIdsOf(db, rows.map((row) => row.key));
}
