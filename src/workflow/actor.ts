import type { Role } from '../domain/permissions.js';
import type { DbOrTx } from '../db/client.js';
import { findPersonByOpenId, membershipsOf, overseenUnits, type PersonMembership } from '../db/queries/organisation.js';

/** The person behind an event, with what the organisation says about them. */
export interface Actor {
  openId: string;
  /** The people key, when the organisation knows this person. */
  personKey?: string;
  name: string;
  isAdmin: boolean;
  isCountyLeader: boolean;
  memberships: PersonMembership[];
  oversees: string[];
}

export async function loadActor(db: DbOrTx, openId: string): Promise<Actor> {
  const person = await findPersonByOpenId(db, openId);
  if (!person || !person.active) {
    return { openId, name: person?.name ?? openId, isAdmin: false, isCountyLeader: false, memberships: [], oversees: [] };
  }
  return {
    openId,
    personKey: person.key,
    name: person.name,
    isAdmin: person.isAdmin,
    isCountyLeader: person.isCountyLeader,
    memberships: await membershipsOf(db, person.key),
    oversees: person.isCountyLeader ? await overseenUnits(db, person.key) : [],
  };
}

/** Units the actor leads (负责人): the units whose roster they may edit. */
export function unitsLedBy(actor: Actor): string[] {
  return actor.memberships.filter((m) => m.role === 'leader').map((m) => m.unitCode);
}

/**
 * Roles that do not depend on an item: belonging to the news office or the propaganda dept,
 * being an admin or a county leader, and leading some unit (for its roster).
 */
export function standingRoles(actor: Actor): Role[] {
  const roles = new Set<Role>();
  for (const membership of actor.memberships) {
    if (membership.unitRole === 'news_office') roles.add('news_office');
    if (membership.unitRole === 'propaganda') roles.add('propaganda');
    if (membership.role === 'leader') roles.add('lead_leader');
  }
  if (actor.isAdmin) roles.add('admin');
  if (actor.isCountyLeader) roles.add('county_leader');
  return [...roles];
}
