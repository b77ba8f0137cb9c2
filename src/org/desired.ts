import { rumourHandoverUnits, type OrgFile } from './schema.js';

/** The rows the organisation file asks for, keyed for diffing against the tables. */
export interface DesiredOrg {
  units: Map<string, { code: string; name: string; role: string; fileChatId: string | null; jointMeeting: boolean; rumourHandover: boolean }>;
  people: Map<string, { key: string; openId: string | null; name: string; isAdmin: boolean; isCountyLeader: boolean; managedByFile: true }>;
  memberships: Map<string, { unitCode: string; personKey: string; role: string }>;
  oversight: Map<string, { leaderKey: string; unitCode: string }>;
  keywordRules: Map<string, { unitCode: string; keyword: string }>;
}

export const MEMBERSHIP_ROLES = ['leader', 'liaison', 'member'] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

export function desiredOrg(org: OrgFile): DesiredOrg {
  const handover = new Set(rumourHandoverUnits(org));
  const leaderNames = new Map(org.county_leaders.map((leader) => [leader.id, leader.name]));
  const countyLeaders = new Set(org.county_leaders.map((leader) => leader.id));
  const admins = new Set(org.admins);
  const desired: DesiredOrg = { units: new Map(), people: new Map(), memberships: new Map(), oversight: new Map(), keywordRules: new Map() };

  const personKeys = new Set<string>([...Object.keys(org.people), ...admins, ...countyLeaders]);
  for (const unit of org.units) {
    desired.units.set(unit.code, {
      code: unit.code,
      name: unit.name,
      role: unit.role,
      fileChatId: unit.chat_id ?? null,
      jointMeeting: unit.joint_meeting,
      rumourHandover: handover.has(unit.code),
    });
    const roster: [MembershipRole, string[]][] = [['leader', unit.leaders], ['liaison', unit.liaisons], ['member', unit.members]];
    for (const [role, keys] of roster) {
      for (const personKey of keys) {
        personKeys.add(personKey);
        desired.memberships.set(`${unit.code}|${personKey}|${role}`, { unitCode: unit.code, personKey, role });
      }
    }
    for (const keyword of unit.keywords) desired.keywordRules.set(`${unit.code}|${keyword}`, { unitCode: unit.code, keyword });
  }
  for (const leader of org.county_leaders) {
    for (const unitCode of leader.oversees) desired.oversight.set(`${leader.id}|${unitCode}`, { leaderKey: leader.id, unitCode });
  }
  for (const key of personKeys) {
    desired.people.set(key, {
      key,
      openId: key.startsWith('ou_') ? key : null,
      name: org.people[key] ?? leaderNames.get(key) ?? key,
      isAdmin: admins.has(key),
      isCountyLeader: countyLeaders.has(key),
      managedByFile: true,
    });
  }
  return desired;
}
