import type { Role } from '../domain/permissions.js';
import type { ItemUnits } from '../db/queries/items.js';
import { standingRoles, type Actor } from './actor.js';

/** The actor's roles on one item (DESIGN.md §2b): standing roles plus lead / cooperating membership. */
export function itemRoles(actor: Actor, units: ItemUnits): Role[] {
  const roles = new Set<Role>(standingRoles(actor).filter((role) => role !== 'lead_leader'));
  for (const membership of actor.memberships) {
    if (membership.unitCode === units.lead) {
      if (membership.role === 'leader') roles.add('lead_leader');
      if (membership.role === 'liaison') roles.add('lead_liaison');
    }
    if (units.cooperating.includes(membership.unitCode)) roles.add('cooperating');
  }
  return [...roles];
}
