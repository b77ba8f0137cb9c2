import { receiptCard } from '../../../cards/forms/receipt.js';
import { charLength } from '../../../cards/format.js';
import { LEVELS, ITEM_KINDS, type ItemKind, type Level } from '../../domain/clocks.js';
import { normalizeUrl } from '../../domain/links.js';
import { CATEGORIES, SOURCES, parseSpread, type Category, type Spread } from '../../domain/registration.js';
import { findLead, type LeadRow } from '../../db/queries/leads.js';
import { findUnit } from '../../db/queries/organisation.js';
import { unitsOfItem } from '../../db/queries/items.js';
import type { CardResponse } from '../../inbound/handle.js';
import { InputError } from '../errors.js';
import { auditLead, mergeLeadIntoItem, syncLeadCards, tellReporter } from '../leads.js';
import { registerItem, unitName, type NewItem } from '../register-item.js';
import { registrationConfirmation } from '../registration-reply.js';
import { parsePickerDateTime } from './card-time.js';
import { field, fieldList, type ActionContext, type ActionHandler } from './common.js';
import { clickedLead, requireNewsOffice, requireOpenLead } from './leads.js';
import type { RegisterValue } from './values.js';

/**
 * The registration form's submit (`register_submit`, cards/register-form.ts): the form `/yq new`
 * posts, or the one a lead's 登记为舆情 posts, whose submit carries `lead` so the item records who
 * reported it. Every bad field is named at once; a refusal changes nothing.
 */

const FUTURE_TOLERANCE_MS = 5 * 60_000;
const TEXT_MAX: Record<string, [string, number]> = {
  summary: ['摘要', 5000],
  path: ['传播路径', 2000],
  comment_situation: ['评论情况', 2000],
  netizen_views: ['网民观点', 2000],
};

function isCode<T extends string>(codes: readonly T[], value: string): value is T {
  return (codes as readonly string[]).includes(value);
}

/** The form's values as a registration; every problem is collected and reported at once. */
export async function newItemFromForm(ctx: ActionContext): Promise<NewItem> {
  const problems: string[] = [];
  const title = field(ctx, 'title');
  if (!title) problems.push('标题不能为空');
  else if (charLength(title) > 200) problems.push(`标题太长（${charLength(title)} 字），最多 200 字`);

  const urlText = field(ctx, 'url');
  let url: string | undefined;
  if (urlText) {
    const normalised = normalizeUrl(urlText);
    if (normalised.ok) url = normalised.url;
    else problems.push(normalised.messageZh);
  }
  const choice = <T extends string>(name: string, label: string, codes: readonly T[], fallback?: T): T | undefined => {
    const value = field(ctx, name);
    if (!value) return fallback;
    if (isCode(codes, value)) return value;
    problems.push(`${label}“${value}”不在可选项中，请重新选择`);
    return fallback;
  };
  const source = choice('source', '来源平台', Object.keys(SOURCES));
  const category = choice<Category>('category', '类别', Object.keys(CATEGORIES) as Category[], 'general')!;
  const level = choice<Level>('level', '级别', LEVELS, 'general')!;
  const kind = choice<ItemKind>('kind', '类型', ITEM_KINDS, 'opinion')!;

  const unit = async (code: string, label: string) => {
    const found = await findUnit(ctx.tx, code);
    if (!found || !found.active || found.role === 'news_office') problems.push(`${label}“${code}”不存在，请重新选择`);
    return code;
  };
  const leadCode = field(ctx, 'lead');
  const leadUnit = leadCode ? await unit(leadCode, '牵头单位') : undefined;
  const cooperating: string[] = [];
  for (const code of fieldList(ctx, 'cooperating')) if (code !== leadUnit) cooperating.push(await unit(code, '配合单位'));

  const time = (name: string, label: string): Date | undefined => {
    const value = field(ctx, name);
    if (!value) return undefined;
    const at = parsePickerDateTime(value);
    if (!at) problems.push(`${label}格式不对，请用时间选择器选择`);
    else if (at.getTime() - ctx.view.now.getTime() > FUTURE_TOLERANCE_MS) problems.push(`${label}不能晚于现在`);
    else return at.getTime() > ctx.view.now.getTime() ? ctx.view.now : at;
    return undefined;
  };
  const postedAt = time('posted', '原帖发布时间');
  const discoveredAt = time('found', '发现时间') ?? ctx.view.now;
  if (postedAt && discoveredAt < postedAt) problems.push('发现时间早于原帖发布时间，请检查');

  const spread: Spread = {};
  for (const [name, label, word] of [
    ['views', '阅读', '阅读'],
    ['reposts', '转发', '转发'],
    ['comments', '评论', '评论'],
  ] as const) {
    const value = field(ctx, name);
    if (!value) continue;
    const parsed = parseSpread(`${word}${value.replace(/\s+/g, '')}`);
    const n = parsed.ok ? parsed.spread[name] : undefined;
    if (n === undefined) problems.push(`${label}数“${value}”不是数字，可以写 12000 或 1.2万`);
    else spread[name] = n;
  }
  const texts: Record<string, string | undefined> = {};
  for (const [name, [label, max]] of Object.entries(TEXT_MAX)) {
    const value = field(ctx, name);
    if (charLength(value) > max) problems.push(`${label}太长（${charLength(value)} 字），最多 ${max} 字`);
    texts[name] = value || undefined;
  }
  if (problems.length > 0) throw new InputError(`登记信息有误：${problems.join('；')}。`);
  return {
    title,
    url,
    source,
    category,
    level,
    kind,
    leadUnit,
    cooperatingUnits: cooperating,
    postedAt,
    discoveredAt,
    summary: texts.summary,
    spread: Object.keys(spread).length > 0 ? spread : undefined,
    propagationPath: texts.path,
    commentSituation: texts.comment_situation,
    netizenViews: texts.netizen_views,
    drill: field(ctx, 'drill') === 'yes',
    force: false,
  };
}

function receipt(title: string, lines: string[], ref: string, colour: 'green' | 'orange' = 'green'): CardResponse['card'] {
  return { type: 'raw', data: receiptCard({ title, lines, colour, ref }) };
}

export const registerSubmit: ActionHandler<RegisterValue> = async (ctx) => {
  requireNewsOffice(ctx);
  let lead: LeadRow | undefined;
  if (ctx.value.lead !== undefined) {
    lead = await clickedLead({ ...ctx, value: { lead: ctx.value.lead } });
    await requireOpenLead(ctx, lead);
  }
  const input = await newItemFromForm(ctx);
  const outcome = await registerItem(ctx.tx, { ...input, ...(lead ? { fromLead: lead.id } : {}) }, ctx.actor, ctx.view);
  if (outcome.kind === 'duplicate') {
    const { existing } = outcome;
    if (!lead) throw new InputError(`这条链接已经登记过：${existing.ref}「${existing.title}」。如确需再次登记，请用文字命令“/舆情 登记”并加一行“强制: 是”。`);
    const merged = await mergeLeadIntoItem(ctx.tx, lead, existing, ctx.actor.openId, ctx.view, { tellReporter: true });
    await syncLeadCards(ctx.tx, merged, ctx.view);
    return {
      toast: { type: 'warning', content: `这条链接已经登记过：${existing.ref}，线索已并入该舆情` },
      card: receipt(`线索 #${lead.id} 已并入 ${existing.ref}`, [`${existing.ref}「${existing.title}」与这条线索是同一篇文章。`], existing.ref, 'orange'),
    };
  }
  const { item } = outcome;
  if (lead) {
    const registered = (await findLead(ctx.tx, lead.id))!;
    await auditLead(ctx.tx, registered, ctx.actor.openId, 'lead.registered', ctx.view.now, { status: 'registered', itemId: item.id, ref: item.ref }, { status: lead.status });
    await syncLeadCards(ctx.tx, registered, ctx.view);
    const leadName = (await unitName(ctx.tx, (await unitsOfItem(ctx.tx, item.id)).lead)) ?? '牵头单位（待县新闻办指定）';
    await tellReporter(ctx.tx, registered, 'registered', `您报送的线索「${lead.title}」（#${lead.id}）已登记为舆情 ${item.ref}，交由${leadName}办理。谢谢！`, ctx.view.now);
  }
  const text = await registrationConfirmation(ctx.tx, item, outcome.routing, ctx.view);
  return { toast: { type: 'success', content: `已登记 ${item.ref}` }, card: receipt(`已登记 ${item.ref}`, text.split('\n'), item.ref) };
};
