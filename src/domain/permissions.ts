/**
 * Who may do what (DESIGN.md §2b). The caller works out the actor's roles on the item (a person
 * can hold several); this file only answers yes or no with a Chinese reason, so a refusal can be
 * shown, logged as a security event, and change nothing.
 */

export const ROLES = [
  'news_office',
  'lead_liaison',
  'lead_leader',
  'cooperating',
  'propaganda',
  'county_leader',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS_ZH: Record<Role, string> = {
  news_office: '县新闻办',
  lead_liaison: '牵头单位联络人',
  lead_leader: '牵头单位负责人',
  cooperating: '配合单位',
  propaganda: '县委宣传部',
  county_leader: '县领导',
  admin: '系统管理员',
};

export const ACTION_LABELS_ZH = {
  register: '登记舆情',
  route: '交办',
  reassign: '改派牵头单位',
  extend: '延期',
  close: '办结',
  reopen: '重新打开',
  drill_flag: '标记演练',
  report_lead: '报送舆情线索',
  risk_assessment: '提交舆情风险评估',
  acknowledge: '认领',
  dispute_routing: '对交办提出异议',
  verify: '提交核实结果',
  draft: '起草回应稿',
  record_rectification: '登记整改情况',
  approve_draft: '审核通过稿件',
  return_draft: '退回稿件',
  confirm_wording: '会签确认口径',
  record_publication: '登记发布情况',
  record_media_contact: '登记媒体沟通',
  handover_rumour: '移交造谣传谣线索',
  convene_consultation: '召集会商',
  record_consultation: '登记会商结果',
  approve_disposal: '审批处置意见',
  give_instruction: '作出批示',
  report_county: '查看全县报表',
  report_own_unit: '查看本单位报表',
  bind_chat: '绑定群聊',
  edit_roster: '编辑单位名单',
} as const;
export type Action = keyof typeof ACTION_LABELS_ZH;
export const ACTIONS = Object.keys(ACTION_LABELS_ZH) as Action[];

const NEWS: Role[] = ['news_office'];
const LEAD: Role[] = ['lead_liaison', 'lead_leader'];

const ALLOWED: Record<Action, readonly Role[]> = {
  register: NEWS,
  route: NEWS,
  reassign: NEWS,
  extend: NEWS,
  close: NEWS,
  reopen: NEWS,
  drill_flag: NEWS,
  report_lead: ['news_office', ...LEAD, 'cooperating', 'propaganda'],
  risk_assessment: ['news_office', ...LEAD, 'cooperating', 'propaganda'],
  acknowledge: LEAD,
  dispute_routing: LEAD,
  verify: LEAD,
  draft: LEAD,
  record_rectification: LEAD,
  approve_draft: ['lead_leader'],
  return_draft: ['lead_leader'],
  confirm_wording: ['cooperating'],
  record_publication: ['news_office', ...LEAD],
  record_media_contact: ['news_office', ...LEAD],
  handover_rumour: NEWS,
  convene_consultation: ['news_office', 'propaganda'],
  record_consultation: ['news_office', 'propaganda'],
  approve_disposal: ['county_leader'],
  give_instruction: ['county_leader'],
  report_county: ['news_office', 'propaganda', 'county_leader'],
  report_own_unit: ['news_office', ...LEAD, 'cooperating', 'propaganda', 'county_leader'],
  bind_chat: ['news_office', 'admin'],
  // lead_leader here means "a leader of some unit"; the guard limits it to that unit's roster.
  edit_roster: ['news_office', 'lead_leader', 'admin'],
};

export interface PermissionContext {
  actorId?: string;
  /** For approve_draft / return_draft: who wrote the draft under review. */
  draftAuthorId?: string;
  /** For edit_roster: the unit whose roster is edited, and the units the actor leads. */
  rosterUnit?: string;
  leaderOfUnits?: readonly string[];
}

export type PermissionCode = 'role_not_allowed' | 'own_draft' | 'not_own_unit' | 'context_missing';
export type PermissionResult = { allowed: true } | { allowed: false; code: PermissionCode; messageZh: string };

const SPECIAL_WHO: Partial<Record<Action, string>> = {
  approve_draft: '只有牵头单位的负责人可以审核，且不能审核自己起草的稿件。',
  return_draft: '只有牵头单位的负责人可以退回稿件，且不能退回自己起草的稿件。',
  edit_roster: '只有县新闻办或系统管理员可以编辑各单位名单；单位负责人只能编辑本单位的名单。',
};

function whoMay(action: Action): string {
  const roles = ALLOWED[action].map((role) => ROLE_LABELS_ZH[role]).join('、');
  return SPECIAL_WHO[action] ?? `只有${roles}可以${ACTION_LABELS_ZH[action]}。`;
}

function refuse(code: PermissionCode, action: Action): PermissionResult {
  const reason =
    code === 'own_draft' ? '这份稿件是您本人起草的。' :
    code === 'not_own_unit' ? '这不是您所负责单位的名单。' :
    code === 'context_missing' ? '无法确认稿件起草人或所属单位，已按无权限处理。' :
    '';
  return { allowed: false, code, messageZh: `${reason}${whoMay(action)}` };
}

/** Guards a role's permission on context; undefined means it passes. */
function guard(role: Role, action: Action, ctx: PermissionContext): PermissionCode | undefined {
  if (role !== 'lead_leader') return undefined;
  if (action === 'approve_draft' || action === 'return_draft') {
    if (!ctx.actorId || !ctx.draftAuthorId) return 'context_missing';
    return ctx.actorId === ctx.draftAuthorId ? 'own_draft' : undefined;
  }
  if (action === 'edit_roster') {
    if (!ctx.rosterUnit || !ctx.leaderOfUnits) return 'context_missing';
    return ctx.leaderOfUnits.includes(ctx.rosterUnit) ? undefined : 'not_own_unit';
  }
  return undefined;
}

/** Allowed when any of the actor's roles allows the action and passes its guard. */
export function can(roles: readonly Role[], action: Action, ctx: PermissionContext = {}): PermissionResult {
  let failed: PermissionCode | undefined;
  for (const role of roles) {
    if (!ALLOWED[action].includes(role)) continue;
    const code = guard(role, action, ctx);
    if (code === undefined) return { allowed: true };
    failed ??= code;
  }
  return refuse(failed ?? 'role_not_allowed', action);
}
