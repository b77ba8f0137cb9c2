import { z } from 'zod';
import { can, type Role } from '../src/domain/permissions.js';
import { REGISTRATION_FIELDS, parseRegistration, type RegistrationDraft } from '../src/domain/registration.js';
import { unitsBoundToChat } from '../src/db/queries/organisation.js';
import type { LeadFields } from '../src/db/queries/leads.js';
import { standingRoles, type Actor } from '../src/workflow/actor.js';
import { InputError, RefusedError } from '../src/workflow/errors.js';
import { reportTip } from '../src/workflow/leads.js';
import { STATE_LABELS_ZH } from '../src/domain/lifecycle.js';
import { viewContextOf } from '../src/workflow/command-actions.js';
import { resolveDraftUnits } from './new.js';
import { defineCommand } from './types.js';

/**
 * 线索报送 (R17, notice §3.1 "不漏报、不迟报"): a unit's liaison or leader passes what they saw to
 * the news office, with the same `字段: 值` lines as registration. The news office decides.
 */

/** Roles a person holds without an item: liaisons and leaders of any unit may report a lead (DESIGN §2b). */
export function tipRoles(actor: Actor): Role[] {
  const roles = new Set<Role>(standingRoles(actor));
  for (const membership of actor.memberships) {
    if (membership.role === 'liaison') roles.add('lead_liaison');
    if (membership.role === 'leader') roles.add('lead_leader');
  }
  return [...roles];
}

/** The unit the lead is reported for: the one whose group this is, else the first the person serves. */
export async function reporterUnit(ctx: { tx: Parameters<typeof unitsBoundToChat>[0]; actor: Actor; chatId: string }): Promise<string | undefined> {
  const mine = ctx.actor.memberships;
  const here = new Set(await unitsBoundToChat(ctx.tx, ctx.chatId));
  const order = (m: (typeof mine)[number]) => (here.has(m.unitCode) ? 0 : m.unitRole === 'news_office' ? 2 : 1);
  return [...mine].sort((a, b) => order(a) - order(b) || a.unitCode.localeCompare(b.unitCode))[0]?.unitCode;
}

const SKIPPED = new Set(['force']);

function tipTemplateZh(): string {
  const [title, ...rest] = REGISTRATION_FIELDS;
  return [`/yq tip ${title!.exampleZh}`, ...rest.filter((f) => !SKIPPED.has(f.key) && f.key !== 'drill').map((f) => `${f.labelZh}: ${f.exampleZh}`)].join('\n');
}

function leadFieldsOf(draft: RegistrationDraft, units: { lead?: string; cooperating: string[] }): LeadFields {
  const fields: LeadFields = {
    url: draft.url,
    source: draft.source,
    category: draft.category,
    level: draft.level,
    kind: draft.kind,
    leadUnit: units.lead,
    cooperatingUnits: units.cooperating.length > 0 ? units.cooperating : undefined,
    postedAt: draft.postedAt?.toISOString(),
    discoveredAt: draft.discoveredAt.toISOString(),
    summary: draft.summary,
    spread: draft.spread,
    path: draft.path,
    comments: draft.comments,
    views: draft.views,
    drill: draft.drill || undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as LeadFields;
}

export const tipCommand = defineCommand({
  name: 'tip',
  aliases: ['报送', '线索'],
  summary: '向县新闻办报送舆情线索（各单位联络人、负责人）：县新闻办决定是否登记，结果会私信告诉您',
  usage: ['/yq tip <标题>\n字段: 值（每行一个，可选，字段与登记相同）'],
  examples: ['/舆情 报送 某镇卫生院被指乱收费\n链接: https://weibo.com/1234567890/N5xYzAbCd\n来源: 微博\n摘要: 网民发帖称门诊收费高于公示标准'],
  args: z.array(z.unknown()),
  async run(ctx, _tokens, rest) {
    const allowed = can(tipRoles(ctx.actor), 'report_lead');
    if (!allowed.allowed) throw new RefusedError('report_lead', '只有各单位的联络人、负责人和县新闻办可以报送舆情线索；如需加入单位名单，请联系县新闻办。', allowed.code);
    if (!rest.trim()) {
      throw new InputError(['请在命令后写线索的标题，下面每行一个“字段: 值”（都可省略），例如：', tipTemplateZh()].join('\n'));
    }
    const parsed = parseRegistration(rest, { now: ctx.now, tz: ctx.org.timezone });
    const problems = parsed.ok ? [] : parsed.problems.filter((p) => !SKIPPED.has(p.field));
    if (!parsed.ok && problems.length > 0) {
      const lines = problems.map((p) => `• ${p.messageZh.replace('/yq new', '/yq tip')}`);
      throw new InputError(['线索信息有误：', ...lines, '', '可以照这个格式填写：', tipTemplateZh()].join('\n'));
    }
    if (!parsed.ok) throw new InputError('线索信息有误，请检查后重新发送。');
    const units = await resolveDraftUnits(ctx.tx, parsed.draft.units);
    const outcome = await reportTip(
      ctx.tx,
      { reporter: ctx.actor.openId, unitCode: await reporterUnit({ tx: ctx.tx, actor: ctx.actor, chatId: ctx.chat.chatId }), title: parsed.draft.title, fields: leadFieldsOf(parsed.draft, units) },
      viewContextOf(ctx),
    );
    if (outcome.kind === 'merged') {
      const state = STATE_LABELS_ZH[outcome.item.state as keyof typeof STATE_LABELS_ZH] ?? outcome.item.state;
      await ctx.reply({ msgType: 'text', text: `这条链接已登记为舆情 ${outcome.item.ref}「${outcome.item.title}」（${state}），您的线索（#${outcome.lead.id}）已并入该舆情，无需重复报送。` });
      return;
    }
    await ctx.reply({
      msgType: 'text',
      text: `已报送线索 #${outcome.lead.id}：${outcome.lead.title}\n县新闻办会决定是否登记为舆情，处理结果会私信告诉您。`,
    });
  },
});
