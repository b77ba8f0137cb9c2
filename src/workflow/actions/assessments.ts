import { receiptCard } from '../../../cards/forms/receipt.js';
import { charLength } from '../../../cards/format.js';
import { can } from '../../domain/permissions.js';
import { RISK_LEVEL_LABELS, parseKeywords, parseReleaseDate, type AssessmentDraft, type RiskLevel } from '../../domain/assessments.js';
import { lockAssessment, type AssessmentRow } from '../../db/queries/assessments.js';
import type { CardResponse } from '../../inbound/handle.js';
import { InputError, RefusedError } from '../errors.js';
import { assessmentRoles, assessmentUnitOf, formatReleaseDate, moveAssessment, registerAssessment, unitNameOf } from '../assessments.js';
import { parsePickerDate } from './card-time.js';
import { field, type ActionContext, type ActionHandler } from './common.js';
import type { AssessmentValue } from './values.js';

/**
 * The assessment card's buttons (R17): 标记就绪 (low and medium risk), 提请负责人审批 (high risk),
 * and the approval form's 审批通过 / 退回修改 (the unit's leaders only; anyone else is refused and
 * logged). Also the submit of the registration form `/yq assess` posts.
 */

export const COMMENT_MAX = 500;

async function clickedAssessment(ctx: ActionContext<AssessmentValue>): Promise<AssessmentRow> {
  const a = await lockAssessment(ctx.tx, ctx.value.assessment);
  if (!a) throw new InputError('找不到这份舆情风险评估，卡片可能已过期。');
  return a;
}

/** The copy of the card that was clicked, so the answer carries its new card instead of a patch. */
function clickedCopy(ctx: ActionContext, a: AssessmentRow): string | undefined {
  const copies = new Set(a.cards.map((copy) => copy.audience));
  return ctx.audiences.find((audience) => copies.has(audience));
}

function step(event: 'mark_ready' | 'request_approval' | 'approve' | 'return', toast: (a: AssessmentRow) => string): ActionHandler<AssessmentValue> {
  return async (ctx) => {
    const a = await clickedAssessment(ctx);
    const comment = field(ctx, 'comment');
    if (charLength(comment) > COMMENT_MAX) throw new InputError(`审批意见太长（${charLength(comment)} 字），最多 ${COMMENT_MAX} 字。`);
    const answered = clickedCopy(ctx, a);
    const { assessment, cards } = await moveAssessment(ctx.tx, a, event, ctx.actor, ctx.view, { comment: comment || undefined, answered });
    const card = answered ? cards.get(answered) : undefined;
    return { toast: { type: 'success', content: toast(assessment) }, ...(card ? { card: { type: 'raw', data: card } } : {}) };
  };
}

export const assessReady = step('mark_ready', (a) => `风险评估 #${a.id} 已标记就绪`);
export const assessRequest = step('request_approval', (a) => `已提请本单位负责人审批风险评估 #${a.id}`);
export const assessApprove = step('approve', (a) => `已审批通过风险评估 #${a.id}`);
export const assessReturn = step('return', (a) => `已退回风险评估 #${a.id}`);

/** The registration form's values; every problem is collected and reported at once. */
function draftFromForm(ctx: ActionContext): AssessmentDraft {
  const problems: string[] = [];
  const name = field(ctx, 'name');
  if (!name) problems.push('名称不能为空');
  else if (charLength(name) > 100) problems.push(`名称太长（${charLength(name)} 字），最多 100 字`);
  const picked = field(ctx, 'release') ? parsePickerDate(field(ctx, 'release')) : undefined;
  let releaseDate: string | undefined;
  if (!field(ctx, 'release')) problems.push('请选择计划发布日期');
  else if (!picked) problems.push('计划发布日期格式不对，请用日期选择器选择');
  else {
    const result = parseReleaseDate(picked, ctx.view.now, ctx.view.tz);
    if (result.ok) releaseDate = result.date;
    else problems.push(`计划发布日期${result.messageZh}`);
  }
  const levelText = field(ctx, 'level');
  const riskLevel = (['low', 'medium', 'high'] as const).find((level) => level === levelText);
  if (!riskLevel) problems.push(levelText ? `风险等级“${levelText}”不在可选项中，请重新选择` : '请选择风险等级');
  let keywords: string[] | undefined;
  const keywordResult = parseKeywords(field(ctx, 'keywords'));
  if (keywordResult.ok) keywords = keywordResult.keywords;
  else problems.push(`关键词${keywordResult.messageZh}`);
  const text = (name: string, label: string, max: number) => {
    const value = field(ctx, name);
    if (charLength(value) > max) problems.push(`${label}太长（${charLength(value)} 字），最多 ${max} 字`);
    return value || undefined;
  };
  const affectedGroups = text('groups', '影响群体', 500);
  const risks = text('risks', '风险点', 3000);
  const plan = text('plan', '应对预案', 3000);
  const wording = text('wording', '口径', 3000);
  if (problems.length > 0 || !releaseDate || !riskLevel || !keywords) throw new InputError(`请修改后再提交：${problems.join('；')}`);
  return { name, releaseDate, riskLevel, keywords, affectedGroups, risks, plan, wording, drill: field(ctx, 'drill') === 'yes' };
}

/** The registration form's submit: the same as `/yq assess` with the fields in one message. */
export const assessSubmit: ActionHandler = async (ctx): Promise<CardResponse> => {
  const allowed = can(assessmentRoles(ctx.actor), 'risk_assessment');
  if (!allowed.allowed) throw new RefusedError('risk_assessment', '只有各单位的联络人、负责人可以登记舆情风险评估；如需加入单位名单，请联系县新闻办。', allowed.code);
  const unitCode = await assessmentUnitOf(ctx.tx, ctx.actor, ctx.chatId ?? '');
  if (!unitCode) throw new InputError('无法确定您所在的单位，请联系县新闻办。');
  const draft = draftFromForm(ctx);
  const a = await registerAssessment(ctx.tx, draft, unitCode, ctx.actor, ctx.view);
  const lines = [
    `${await unitNameOf(ctx.tx, unitCode)}：${a.name}`,
    `计划发布日期：${formatReleaseDate(a.releaseDate, ctx.view)}`,
    `风险等级：${RISK_LEVEL_LABELS[a.riskLevel as RiskLevel]}`,
    '评估卡片已发送本单位、县新闻办和县委宣传部。',
  ];
  return {
    toast: { type: 'success', content: `已登记风险评估 #${a.id}` },
    card: { type: 'raw', data: receiptCard({ title: `已登记舆情风险评估 #${a.id}`, lines, colour: 'green', ref: `风险评估 #${a.id}` }) },
  };
};
