import { z } from 'zod';
import { assessmentFormCard } from '../cards/assessment.js';
import { can } from '../src/domain/permissions.js';
import {
  ASSESSMENT_STATE_LABELS,
  RISK_LEVEL_LABELS,
  assessmentTemplateZh,
  missingForReady,
  parseAssessment,
  parseAssessmentUpdate,
  type AssessmentState,
  type RiskLevel,
} from '../src/domain/assessments.js';
import { findAssessment, linkCounts, linksOfAssessment, listAssessments, lockAssessment, type AssessmentRow } from '../src/db/queries/assessments.js';
import { standingRoles, type Actor } from '../src/workflow/actor.js';
import { assessmentRoles, assessmentUnitOf, editAssessment, formatReleaseDate, registerAssessment, unitNameOf } from '../src/workflow/assessments.js';
import { viewContextOf } from '../src/workflow/command-actions.js';
import { InputError, RefusedError } from '../src/workflow/errors.js';
import { defineCommand, type CommandContext } from './types.js';

/**
 * 舆情风险评估 (R17, notice §3.2 分析研判): before a major policy or decision that touches people's
 * interests, a unit registers its opinion-risk assessment — in one message (`字段: 值` lines, like
 * registration) or with the form `/yq assess` alone posts. `list`, `show` and `update` follow.
 */

const LIST = new Set(['list', '列表']);
const SHOW = new Set(['show', '查看']);
const UPDATE = new Set(['update', '修改', '补充']);
const LIST_MAX = 20;

function refuseRegister(): never {
  throw new RefusedError('risk_assessment', '只有各单位的联络人、负责人可以登记舆情风险评估；如需加入单位名单，请联系县新闻办。', 'role_not_allowed');
}

/** Who reads every assessment: the news office, the propaganda dept, admins and county leaders; others only their units'. */
function seesAll(actor: Actor): boolean {
  return standingRoles(actor).some((role) => role === 'news_office' || role === 'propaganda' || role === 'admin' || role === 'county_leader');
}

function idOf(token: unknown, usage: string): number {
  const id = typeof token === 'string' ? Number(token.replace(/^#/, '')) : NaN;
  if (!Number.isInteger(id) || id <= 0) throw new InputError(`请写评估的编号，例如“${usage}”；编号见评估卡片底部，或发送“/yq assess list”查看。`);
  return id;
}

async function visibleAssessment(ctx: CommandContext, id: number, lock: boolean): Promise<AssessmentRow> {
  const a = lock ? await lockAssessment(ctx.tx, id) : await findAssessment(ctx.tx, id);
  if (!a) throw new InputError(`找不到舆情风险评估 #${id}，发送“/yq assess list”查看。`);
  if (!seesAll(ctx.actor) && !ctx.actor.memberships.some((m) => m.unitCode === a.unitCode)) {
    throw new RefusedError('risk_assessment', '只有评估单位、县新闻办、县委宣传部和县领导可以查看这份舆情风险评估。', 'not_own_unit');
  }
  return a;
}

async function register(ctx: CommandContext, rest: string): Promise<void> {
  if (!can(assessmentRoles(ctx.actor), 'risk_assessment').allowed) refuseRegister();
  const unitCode = await assessmentUnitOf(ctx.tx, ctx.actor, ctx.chat.chatId);
  if (!unitCode) refuseRegister();
  if (!rest.trim()) {
    await ctx.reply({ msgType: 'interactive', card: assessmentFormCard({ unit: await unitNameOf(ctx.tx, unitCode) }) });
    return;
  }
  const parsed = parseAssessment(rest, { now: ctx.now, tz: ctx.org.timezone });
  if (!parsed.ok) {
    throw new InputError(['风险评估信息有误：', ...parsed.problems.map((p) => `• ${p.messageZh}`), '', '可以照这个格式填写：', assessmentTemplateZh()].join('\n'));
  }
  const view = viewContextOf(ctx);
  const a = await registerAssessment(ctx.tx, parsed.draft, unitCode, ctx.actor, view);
  const missing = missingForReady(a);
  const next =
    missing.length > 0
      ? `还缺：${missing.join('、')}，请用“/yq assess update ${a.id}”补充；发布日期前 ${ctx.org.policy.assessments.remind_days_before} 天仍缺应对预案或口径会提醒本单位。`
      : a.riskLevel === 'high'
        ? '高风险评估须经本单位负责人审批：请在评估卡片上点“提请负责人审批”。'
        : '内容已齐全，可在评估卡片上点“标记就绪”。';
  await ctx.reply({
    msgType: 'text',
    text: [
      `已登记舆情风险评估 #${a.id}：${a.name}（${await unitNameOf(ctx.tx, unitCode)}，${RISK_LEVEL_LABELS[a.riskLevel as RiskLevel]}风险，计划 ${formatReleaseDate(a.releaseDate, view)} 发布）`,
      '评估卡片已发送本单位、县新闻办和县委宣传部。',
      next,
    ].join('\n'),
  });
}

async function list(ctx: CommandContext): Promise<void> {
  const all = seesAll(ctx.actor);
  const mine = [...new Set(ctx.actor.memberships.map((m) => m.unitCode))];
  if (!all && mine.length === 0) throw new RefusedError('risk_assessment', '只有各单位的联络人、负责人，县新闻办、县委宣传部和县领导可以查看舆情风险评估。', 'role_not_allowed');
  const rows = await listAssessments(ctx.tx, { unitCodes: all ? undefined : mine, limit: LIST_MAX });
  if (rows.length === 0) {
    await ctx.reply({ msgType: 'text', text: '还没有舆情风险评估。登记：/yq assess <政策名称>，下面每行一个“字段: 值”；发送“/yq help assess”查看格式。' });
    return;
  }
  const counts = await linkCounts(ctx.tx, rows.map((a) => a.id));
  const view = viewContextOf(ctx);
  const lines: string[] = [];
  for (const a of rows) {
    const linked = counts.get(a.id) ?? 0;
    const missing = missingForReady(a);
    lines.push(
      [
        `#${a.id} ${await unitNameOf(ctx.tx, a.unitCode)}「${a.name}」`,
        `${formatReleaseDate(a.releaseDate, view)}发布`,
        `${RISK_LEVEL_LABELS[a.riskLevel as RiskLevel]}风险`,
        ASSESSMENT_STATE_LABELS[a.state as AssessmentState],
        ...(missing.length > 0 ? [`缺${missing.join('、')}`] : []),
        ...(linked > 0 ? [`关联舆情 ${linked} 条`] : []),
        ...(a.drill ? ['演练'] : []),
      ].join(' · '),
    );
  }
  await ctx.reply({ msgType: 'text', text: [`舆情风险评估（最近 ${rows.length} 份${all ? '' : '，本单位'}）：`, ...lines, '', '查看全文：/yq assess show <编号>'].join('\n') });
}

async function show(ctx: CommandContext, id: number): Promise<void> {
  const a = await visibleAssessment(ctx, id, false);
  const view = viewContextOf(ctx);
  const links = await linksOfAssessment(ctx.tx, a.id);
  const text = [
    `舆情风险评估 #${a.id}：${a.name}${a.drill ? '（演练）' : ''}`,
    `评估单位：${await unitNameOf(ctx.tx, a.unitCode)}`,
    `计划发布日期：${formatReleaseDate(a.releaseDate, view)}`,
    `风险等级：${RISK_LEVEL_LABELS[a.riskLevel as RiskLevel]}`,
    `状态：${ASSESSMENT_STATE_LABELS[a.state as AssessmentState]}`,
    `影响群体：${a.affectedGroups ?? '（未填）'}`,
    `关键词：${a.keywords.join('、')}`,
    `风险点：${a.risks ?? '（未填）'}`,
    `应对预案：${a.plan ?? '（未填）'}`,
    `口径：${a.wording ?? '（未填）'}`,
    ...(links.length > 0 ? ['发布后关联舆情：', ...links.map((l) => `• ${l.ref}「${l.title}」（关键词：${l.keyword}）`)] : []),
  ];
  await ctx.reply({ msgType: 'text', text: text.join('\n') });
}

async function update(ctx: CommandContext, id: number, rest: string): Promise<void> {
  const a = await visibleAssessment(ctx, id, true);
  // The fields follow the `update <编号>` words, on the same line or the lines below.
  const body = rest.replace(/^\S+[\s\u3000]+#?\d+/, '');
  const parsed = parseAssessmentUpdate(body, { now: ctx.now, tz: ctx.org.timezone });
  if (!parsed.ok) {
    throw new InputError(['修改内容有误：', ...parsed.problems.map((p) => `• ${p.messageZh}`), '', '例如：', `/yq assess update ${a.id}\n应对预案: 发布当天召开新闻发布会解读\n口径: …`].join('\n'));
  }
  const { assessment, changed, reset } = await editAssessment(ctx.tx, a, parsed.changes, ctx.actor, viewContextOf(ctx));
  const labels: Record<string, string> = { name: '名称', releaseDate: '发布日期', affectedGroups: '影响群体', riskLevel: '风险等级', risks: '风险点', plan: '应对预案', wording: '口径', keywords: '关键词', drill: '演练' };
  const missing = missingForReady(assessment);
  const next =
    missing.length > 0
      ? `还缺：${missing.join('、')}。`
      : assessment.riskLevel === 'high'
        ? '内容已齐全，请在评估卡片上点“提请负责人审批”。'
        : '内容已齐全，可在评估卡片上点“标记就绪”。';
  await ctx.reply({
    msgType: 'text',
    text: [`已修改舆情风险评估 #${a.id}：${changed.map((key) => labels[key] ?? key).join('、')}。`, ...(reset ? ['内容有变动，评估回到“待完善”，需重新标记就绪或提请审批。'] : []), next].join('\n'),
  });
}

export const assessCommand = defineCommand({
  name: 'assess',
  aliases: ['评估', '风险评估'],
  summary: '重大政策出台前登记舆情风险评估（各单位联络人、负责人）：只发命令会弹出登记表；高风险须本单位负责人审批',
  usage: [
    '/yq assess',
    '/yq assess <政策名称>\n发布日期: 2026-12-15\n风险等级: 低|中|高\n关键词: 词1、词2\n影响群体 / 风险点 / 应对预案 / 口径 / 演练: …（可选）',
    '/yq assess list',
    '/yq assess show <编号>',
    '/yq assess update <编号>\n字段: 值（每行一个，只写要改的）',
  ],
  examples: [
    '/舆情 评估 县城区停车收费标准调整\n发布日期: 2026-12-15\n影响群体: 城区有车居民、沿街商户\n风险等级: 高\n风险点: 收费上调可能被解读为“变相敛财”\n应对预案: 发布当天召开新闻发布会解读\n口径: 调整依据省定价目录，首小时免费\n关键词: 停车收费、停车费',
    '/yq assess list',
    '/舆情 评估 修改 3\n应对预案: 开通咨询热线 12345 转接',
  ],
  args: z.array(z.unknown()),
  async run(ctx, tokens, rest) {
    const [first, second] = tokens;
    const word = typeof first === 'string' ? first.toLowerCase() : '';
    if (LIST.has(word) && tokens.length === 1) return list(ctx);
    if (SHOW.has(word)) return show(ctx, idOf(second, '/yq assess show 3'));
    if (UPDATE.has(word)) return update(ctx, idOf(second, '/yq assess update 3'), rest);
    return register(ctx, rest);
  },
});
