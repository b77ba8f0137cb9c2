import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { chatBindings, memberships, people, rosterOverrides, units } from '../schema/index.js';

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
