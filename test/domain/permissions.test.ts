import { describe, expect, it } from 'vitest';
import { ACTIONS, can, ROLES, type Action, type Role } from '../../src/domain/permissions.js';

/**
 * DESIGN.md §2b copied by hand (not derived from the code). ✓ allowed, · refused.
 * Guarded cells (approve/return by a leader, edit_roster by a leader) are checked here with a
 * context that satisfies the guard; the guards have their own table below.
 */
const MATRIX = `
action                 news  liai  lead  coop  prop  cnty  admn
register               ✓     ·     ·     ·     ·     ·     ·
route                  ✓     ·     ·     ·     ·     ·     ·
reassign               ✓     ·     ·     ·     ·     ·     ·
extend                 ✓     ·     ·     ·     ·     ·     ·
close                  ✓     ·     ·     ·     ·     ·     ·
reopen                 ✓     ·     ·     ·     ·     ·     ·
drill_flag             ✓     ·     ·     ·     ·     ·     ·
report_lead            ✓     ✓     ✓     ✓     ✓     ·     ·
risk_assessment        ✓     ✓     ✓     ✓     ✓     ·     ·
acknowledge            ·     ✓     ✓     ·     ·     ·     ·
dispute_routing        ·     ✓     ✓     ·     ·     ·     ·
verify                 ·     ✓     ✓     ·     ·     ·     ·
draft                  ·     ✓     ✓     ·     ·     ·     ·
record_rectification   ·     ✓     ✓     ·     ·     ·     ·
approve_draft          ·     ·     ✓     ·     ·     ·     ·
return_draft           ·     ·     ✓     ·     ·     ·     ·
confirm_wording        ·     ·     ·     ✓     ·     ·     ·
record_publication     ✓     ✓     ✓     ·     ·     ·     ·
record_media_contact   ✓     ✓     ✓     ·     ·     ·     ·
handover_rumour        ✓     ·     ·     ·     ·     ·     ·
convene_consultation   ✓     ·     ·     ·     ✓     ·     ·
record_consultation    ✓     ·     ·     ·     ✓     ·     ·
approve_disposal       ·     ·     ·     ·     ·     ✓     ·
give_instruction       ·     ·     ·     ·     ·     ✓     ·
report_county          ✓     ·     ·     ·     ✓     ✓     ·
report_own_unit        ✓     ✓     ✓     ✓     ✓     ✓     ·
bind_chat              ✓     ·     ·     ·     ·     ·     ✓
edit_roster            ✓     ·     ✓     ·     ·     ·     ✓
`;

const COLUMN: Record<string, Role> = {
  news: 'news_office',
  liai: 'lead_liaison',
  lead: 'lead_leader',
  coop: 'cooperating',
  prop: 'propaganda',
  cnty: 'county_leader',
  admn: 'admin',
};

const [header, ...rows] = MATRIX.trim().split('\n').map((line) => line.trim().split(/\s+/));
const roles = header!.slice(1).map((abbr) => COLUMN[abbr]!);
const cells = rows.flatMap(([action, ...marks]) =>
  marks.map((mark, i) => [action as Action, roles[i]!, mark === '✓'] as const),
);

const satisfied = { actorId: 'ou_reviewer', draftAuthorId: 'ou_drafter', rosterUnit: 'health', leaderOfUnits: ['health'] };

describe('§2b role × action', () => {
  it('covers every role × action pair exactly once', () => {
    expect(cells).toHaveLength(ROLES.length * ACTIONS.length);
    expect(new Set(cells.map(([a, r]) => `${a}/${r}`)).size).toBe(cells.length);
    expect(new Set(rows.map(([action]) => action))).toEqual(new Set(ACTIONS));
  });

  it.each(cells)('%s by %s → %s', (action, role, allowed) => {
    const result = can([role], action, satisfied);
    expect(result.allowed).toBe(allowed);
    if (!result.allowed) {
      expect(result.code).toBe('role_not_allowed');
      expect(result.messageZh).toMatch(/^只有/);
    }
  });
});

describe('guards', () => {
  it.each([
    // roles, action, context, expected code (or 'ok')
    [['lead_leader'], 'approve_draft', { actorId: 'ou_a', draftAuthorId: 'ou_a' }, 'own_draft'],
    [['lead_leader'], 'return_draft', { actorId: 'ou_a', draftAuthorId: 'ou_a' }, 'own_draft'],
    [['lead_leader'], 'approve_draft', { actorId: 'ou_a', draftAuthorId: 'ou_b' }, 'ok'],
    [['lead_leader', 'news_office'], 'approve_draft', { actorId: 'ou_a', draftAuthorId: 'ou_a' }, 'own_draft'],
    [['lead_leader', 'lead_liaison'], 'return_draft', { actorId: 'ou_a', draftAuthorId: 'ou_a' }, 'own_draft'],
    [['lead_leader'], 'approve_draft', {}, 'context_missing'],
    [['lead_leader'], 'approve_draft', { actorId: 'ou_a' }, 'context_missing'],
    [['lead_leader'], 'edit_roster', { rosterUnit: 'health', leaderOfUnits: ['health', 'education'] }, 'ok'],
    [['lead_leader'], 'edit_roster', { rosterUnit: 'police', leaderOfUnits: ['health'] }, 'not_own_unit'],
    [['lead_leader'], 'edit_roster', { rosterUnit: 'police' }, 'context_missing'],
    [['lead_leader', 'admin'], 'edit_roster', { rosterUnit: 'police', leaderOfUnits: ['health'] }, 'ok'],
    [['news_office'], 'edit_roster', {}, 'ok'],
    [['admin'], 'edit_roster', {}, 'ok'],
    [['lead_leader'], 'verify', {}, 'ok'], // no guard on other actions
    [[], 'report_own_unit', {}, 'role_not_allowed'],
    [['lead_liaison', 'cooperating'], 'approve_draft', { actorId: 'ou_a', draftAuthorId: 'ou_b' }, 'role_not_allowed'],
  ] as const)('%j %s %j → %s', (actorRoles, action, ctx, expected) => {
    const result = can(actorRoles, action, ctx);
    if (expected === 'ok') expect(result).toEqual({ allowed: true });
    else expect(result).toMatchObject({ allowed: false, code: expected });
  });
});

describe('messages say who may', () => {
  it.each([
    [['lead_liaison'], 'register', {}, '只有县新闻办可以登记舆情。'],
    [['lead_liaison'], 'report_county', {}, '只有县新闻办、县委宣传部、县领导可以查看全县报表。'],
    [['admin'], 'confirm_wording', {}, '只有配合单位可以会签确认口径。'],
    [['lead_liaison'], 'approve_draft', {}, '只有牵头单位的负责人可以审核，且不能审核自己起草的稿件。'],
    [['lead_leader'], 'approve_draft', { actorId: 'ou_a', draftAuthorId: 'ou_a' }, '这份稿件是您本人起草的。只有牵头单位的负责人可以审核，且不能审核自己起草的稿件。'],
    [['lead_leader'], 'edit_roster', { rosterUnit: 'police', leaderOfUnits: ['health'] }, '这不是您所负责单位的名单。只有县新闻办或系统管理员可以编辑各单位名单；单位负责人只能编辑本单位的名单。'],
  ] as const)('%j %s', (actorRoles, action, ctx, message) => {
    const result = can(actorRoles, action, ctx);
    expect(result.allowed).toBe(false);
    if (!result.allowed) expect(result.messageZh).toBe(message);
  });
});
