import type { DbOrTx } from '../client.js';
import { orgSnapshot, type OrgSnapshot } from './org-snapshot.js';

// Every read of the organisation goes through one snapshot per transaction (org-snapshot.ts):
// a click asks for units, rosters, chats and people a dozen times or more.

export type RosterRole = 'leader' | 'liaison' | 'member';

export interface Roster {
  leader: string[];
  liaison: string[];
  member: string[];
}

export async function findUnit(db: DbOrTx, code: string) {
  return (await orgSnapshot(db)).unitsByCode.get(code);
}

export async function listActiveUnits(db: DbOrTx) {
  return (await orgSnapshot(db)).units.filter((unit) => unit.active);
}

export async function findPerson(db: DbOrTx, key: string) {
  return (await orgSnapshot(db)).peopleByKey.get(key);
}

/** The file's roster with chat edits applied: the latest edit per (person, role) wins. */
export async function effectiveRoster(db: DbOrTx, unitCode: string): Promise<Roster> {
  const org = await orgSnapshot(db);
  const fromFile = org.memberships.filter((row) => row.unitCode === unitCode && row.active && org.peopleByKey.get(row.personKey)?.active);
  const present = new Set(fromFile.map((row) => `${row.role}|${row.personKey}`));
  for (const override of org.rosterOverrides.filter((row) => row.unitCode === unitCode)) {
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

function chatOf(org: OrgSnapshot, unitCode: string): string | null {
  if (org.chatBindings.has(unitCode)) return org.chatBindings.get(unitCode)!;
  return org.unitsByCode.get(unitCode)?.fileChatId ?? null;
}

/** The chat a unit is reached in: a binding made from Feishu wins over the file; null = none. */
export async function effectiveChatId(db: DbOrTx, unitCode: string): Promise<string | null> {
  return chatOf(await orgSnapshot(db), unitCode);
}

export async function findPersonByOpenId(db: DbOrTx, openId: string) {
  return (await orgSnapshot(db)).peopleByOpenId.get(openId);
}

export interface PersonMembership {
  unitCode: string;
  unitName: string;
  unitRole: string;
  role: RosterRole;
}

/** The units a person belongs to, from the file and chat edits (the latest edit wins). */
export async function membershipsOf(db: DbOrTx, personKey: string): Promise<PersonMembership[]> {
  const org = await orgSnapshot(db);
  const fromFile = org.memberships.filter((row) => row.personKey === personKey && row.active);
  const present = new Set(fromFile.map((row) => `${row.unitCode}|${row.role}`));
  for (const override of org.rosterOverrides.filter((row) => row.personKey === personKey)) {
    const key = `${override.unitCode}|${override.role}`;
    if (override.present) present.add(key);
    else present.delete(key);
  }
  const result: PersonMembership[] = [];
  for (const key of [...present].sort()) {
    const [unitCode, role] = key.split('|') as [string, RosterRole];
    const unit = org.unitsByCode.get(unitCode);
    if (unit?.active) result.push({ unitCode, unitName: unit.name, unitRole: unit.role, role });
  }
  return result;
}

/** Units a county leader oversees. */
export async function overseenUnits(db: DbOrTx, leaderKey: string): Promise<string[]> {
  return (await orgSnapshot(db)).oversight
    .filter((row) => row.leaderKey === leaderKey && row.active)
    .map((row) => row.unitCode)
    .sort();
}

/** Units whose effective chat is this one (a group may serve one unit, rarely several). */
export async function unitsBoundToChat(db: DbOrTx, chatId: string): Promise<string[]> {
  const org = await orgSnapshot(db);
  const bound = [...org.chatBindings].filter(([, chat]) => chat === chatId).map(([unitCode]) => unitCode);
  const fromFile = org.units.filter((unit) => unit.fileChatId === chatId && unit.active && !org.chatBindings.has(unit.code)).map((unit) => unit.code);
  return [...new Set([...bound, ...fromFile])].sort();
}

/** The one unit whose role is news_office (the file guarantees exactly one). */
export async function findNewsOfficeUnit(db: DbOrTx) {
  return (await orgSnapshot(db)).units.find((unit) => unit.role === 'news_office' && unit.active);
}

/** Active units with no chat: a binding to null, or no binding and no chat in the file. */
export async function unitsWithoutChat(db: DbOrTx) {
  const org = await orgSnapshot(db);
  return org.units.filter((unit) => unit.active && chatOf(org, unit.code) === null);
}

/** Open ids of the active admins. */
export async function adminOpenIds(db: DbOrTx): Promise<string[]> {
  return [...(await orgSnapshot(db)).peopleByKey.values()]
    .filter((person) => person.isAdmin && person.active && person.openId)
    .map((person) => person.openId!)
    .sort();
}

function openIdsIn(org: OrgSnapshot, keys: string[]): string[] {
  return [...new Set(keys)]
    .map((key) => org.peopleByKey.get(key))
    .filter((person) => person?.active && person.openId)
    .map((person) => person!.openId!)
    .sort();
}

/** Open ids for people keys (a key without a resolved open id is left out). */
export async function openIdsOf(db: DbOrTx, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  return openIdsIn(await orgSnapshot(db), keys);
}

/** Open ids of the county leaders who oversee a unit (分管县领导). */
export async function countyLeadersOverseeing(db: DbOrTx, unitCode: string | undefined): Promise<string[]> {
  if (!unitCode) return [];
  const org = await orgSnapshot(db);
  return openIdsIn(
    org,
    org.oversight.filter((row) => row.unitCode === unitCode && row.active).map((row) => row.leaderKey),
  );
}
