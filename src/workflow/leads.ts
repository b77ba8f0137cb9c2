import { leadCard, type LeadCardView } from '../../cards/lead.js';
import { CATEGORIES, KIND_LABELS, LEVEL_LABELS, SOURCES, parseSource } from '../domain/registration.js';
import { normalizeUrl } from '../domain/links.js';
import { localParts } from '../domain/time.js';
import type { DbOrTx, Tx } from '../db/client.js';
import { findItemById, findItemsByUrlKey, type ItemRow } from '../db/queries/items.js';
import {
  fieldsOf,
  findRecentLeadByUrlKey,
  insertLead,
  lockArticle,
  updateLead,
  type LeadFields,
  type LeadRow,
  type LeadStatus,
} from '../db/queries/leads.js';
import { effectiveChatId, effectiveRoster, findNewsOfficeUnit, findPersonByOpenId, findUnit, openIdsOf } from '../db/queries/organisation.js';
import { enqueueOutbox, type OutgoingMessage } from '../db/queries/outbox.js';
import { leads } from '../db/schema/index.js';
import { eq } from 'drizzle-orm';
import { insertAuditEntries } from '../db/queries/audit.js';
import type { ViewContext } from './item-view.js';
import { formatLocalTime, formatMinutes, formatSpread } from './present.js';

/**
 * 线索 (R17, notice §3.1): leads from units (`/yq tip`) and from monitoring systems
 * (`POST /api/intake`). A lead only ever becomes an item through the news office (登记为舆情);
 * every change is audited, and the lead card in the news office's chat is patched to match.
 */

export const SENTIMENT_LABELS: Record<NonNullable<LeadFields['sentiment']>, string> = { negative: '负面', neutral: '中性', positive: '正面' };
const STATUS_AUDIT: Record<LeadStatus, string> = { open: 'lead.reported', registered: 'lead.registered', rejected: 'lead.rejected', merged: 'lead.merged' };

export const MONITOR_PREFIX = 'monitor:';

/** 县卫健委 刘芳 / 监测系统 yuqing-monitor */
export async function reporterLabel(db: DbOrTx, lead: Pick<LeadRow, 'reporter' | 'unitCode'>): Promise<string> {
  if (lead.reporter.startsWith(MONITOR_PREFIX)) return `监测系统 ${lead.reporter.slice(MONITOR_PREFIX.length)}`;
  const person = (await findPersonByOpenId(db, lead.reporter))?.name ?? lead.reporter;
  const unit = lead.unitCode ? ((await findUnit(db, lead.unitCode))?.name ?? lead.unitCode) : undefined;
  return unit ? `${unit} ${person}` : person;
}

async function personName(db: DbOrTx, actor: string | null): Promise<string> {
  if (!actor) return '';
  if (actor.startsWith('system')) return '舆情助手';
  return (await findPersonByOpenId(db, actor))?.name ?? actor;
}

async function unitNames(db: DbOrTx, codes: string[]): Promise<string[]> {
  return Promise.all(codes.map(async (code) => (await findUnit(db, code))?.name ?? code));
}

/** The lead card's view: what was reported, and what became of it. */
export async function leadCardView(db: DbOrTx, lead: LeadRow, ctx: ViewContext): Promise<LeadCardView> {
  const f = fieldsOf(lead);
  const time = (iso: string | undefined) => (iso ? formatLocalTime(new Date(iso), ctx.tz, ctx.now) : undefined);
  const suggested = await unitNames(db, [...(f.leadUnit ? [f.leadUnit] : []), ...(f.cooperatingUnits ?? [])]);
  const item = lead.itemId ? await findItemById(db, lead.itemId) : undefined;
  const handler = await personName(db, lead.handledBy);
  const handledAt = lead.handledAt ? formatLocalTime(lead.handledAt, ctx.tz, ctx.now) : '';
  const by = [handler, handledAt].filter(Boolean).join('，');
  const outcome =
    lead.status === 'registered'
      ? `已登记为 ${item?.ref ?? '舆情'}${by ? `（${by}）` : ''}`
      : lead.status === 'rejected'
        ? `不予登记${by ? `（${by}）` : ''}：${lead.reason ?? ''}`
        : lead.status === 'merged'
          ? `与已登记的 ${item?.ref ?? '舆情'}「${item?.title ?? ''}」是同一篇文章，已并入该舆情`
          : undefined;
  const note =
    lead.status !== 'open'
      ? undefined
      : lead.escalatedAt
        ? `超过 ${formatMinutes(ctx.policy.lead_escalation)} 无人处理，已于 ${formatLocalTime(lead.escalatedAt, ctx.tz, ctx.now)} 提醒县新闻办负责人`
        : `${formatMinutes(ctx.policy.lead_escalation)}内无人处理将提醒县新闻办负责人`;
  return {
    id: lead.id,
    title: lead.title,
    channel: lead.channel === 'intake' ? 'intake' : 'tip',
    reporter: await reporterLabel(db, lead),
    reportedAt: formatLocalTime(lead.reportedAt, ctx.tz, ctx.now),
    url: f.url,
    facts: [
      ['来源', f.source ? (SOURCES[f.source as keyof typeof SOURCES]?.label ?? f.source) : f.sourceText],
      ['类别', f.category && f.category !== 'general' ? CATEGORIES[f.category as keyof typeof CATEGORIES]?.label : undefined],
      ['级别', f.level && f.level !== 'general' ? LEVEL_LABELS[f.level as keyof typeof LEVEL_LABELS] : undefined],
      ['类型', f.kind && f.kind !== 'opinion' ? KIND_LABELS[f.kind as keyof typeof KIND_LABELS] : undefined],
      ['建议牵头单位', suggested.length > 0 ? suggested.join('、') : undefined],
      [lead.channel === 'intake' ? '发布时间' : '原帖时间', time(f.postedAt)],
      ['发现时间', lead.channel === 'intake' ? undefined : time(f.discoveredAt)],
      ['传播', formatSpread(f.spread)],
      ['传播路径', f.path],
      ['跟帖', f.comments],
      ['网民观点', f.views],
      ['倾向', f.sentiment ? SENTIMENT_LABELS[f.sentiment] : undefined],
      ['关键词', f.keywords && f.keywords.length > 0 ? f.keywords.join('、') : undefined],
      ['演练', f.drill ? '是（不计入统计）' : undefined],
    ],
    summary: f.summary,
    pushes: lead.pushes,
    lastPushedAt: lead.pushes > 1 ? formatLocalTime(lead.lastPushedAt, ctx.tz, ctx.now) : undefined,
    status: lead.status as LeadStatus,
    outcome,
    note,
    version: lead.version,
  };
}

interface Copy {
  sendKey: string;
  audience: string;
}

/** The news office's chat, or each of its people in private when it has none. */
async function newsOfficeAudiences(tx: Tx): Promise<{ audience: string; target: { chatId: string } | { openId: string } }[]> {
  const news = await findNewsOfficeUnit(tx);
  if (!news) return [];
  const chatId = await effectiveChatId(tx, news.code);
  if (chatId) return [{ audience: `chat:${chatId}`, target: { chatId } }];
  const roster = await effectiveRoster(tx, news.code);
  const people = await openIdsOf(tx, [...new Set([...roster.leader, ...roster.member, ...roster.liaison])]);
  return people.map((openId) => ({ audience: `user:${openId}`, target: { openId } }));
}

/** The news office's leaders (负责人), for escalation. */
export async function newsOfficeLeaders(tx: DbOrTx): Promise<string[]> {
  const news = await findNewsOfficeUnit(tx);
  if (!news) return [];
  return openIdsOf(tx, (await effectiveRoster(tx, news.code)).leader);
}

/**
 * Sends the lead card where it has not gone yet (the news office on a new lead; `alsoTo` people,
 * e.g. leaders on escalation) and patches every earlier copy to the lead's version, except the copy
 * a click is answering (`answered`). Returns the card.
 */
export async function syncLeadCards(
  tx: Tx,
  lead: LeadRow,
  ctx: ViewContext,
  options: { answered?: string; alsoTo?: string[] } = {},
): Promise<Record<string, unknown>> {
  const card = leadCard(await leadCardView(tx, lead, ctx));
  const copies: Copy[] = [...lead.cards];
  const have = new Set(copies.map((copy) => copy.audience));
  for (const copy of copies) {
    if (copy.audience === options.answered) continue;
    await enqueueOutbox(tx, `lead-patch:${lead.id}:${copy.audience}:v${lead.version}`, { kind: 'patch', to: { sendKey: copy.sendKey, receiver: copy.audience }, lane: copy.audience, card, version: lead.version }, ctx.now);
  }
  const fresh = copies.length === 0 ? await newsOfficeAudiences(tx) : [];
  for (const openId of options.alsoTo ?? []) fresh.push({ audience: `user:${openId}`, target: { openId } });
  const added: Copy[] = [];
  for (const { audience, target } of fresh) {
    if (have.has(audience)) continue;
    have.add(audience);
    const sendKey = `lead-card:${lead.id}:${audience}`;
    await enqueueOutbox(tx, sendKey, { kind: 'send', target, message: { msgType: 'interactive', card } }, ctx.now);
    added.push({ sendKey, audience });
  }
  if (added.length > 0) await tx.update(leads).set({ cards: [...copies, ...added] }).where(eq(leads.id, lead.id));
  return card;
}

/** A private message to the person who reported the lead (monitoring systems are not told). */
export async function tellReporter(tx: Tx, lead: LeadRow, key: string, text: string, at: Date): Promise<void> {
  if (lead.reporter.startsWith(MONITOR_PREFIX)) return;
  const message: OutgoingMessage = { msgType: 'text', text };
  await enqueueOutbox(tx, `lead-tell:${lead.id}:${key}`, { kind: 'send', target: { openId: lead.reporter }, message }, at);
}

export async function auditLead(tx: Tx, lead: LeadRow, actor: string, action: string, at: Date, after: Record<string, unknown>, before?: Record<string, unknown>): Promise<void> {
  await insertAuditEntries(tx, [{ at, actor, action, subject: `lead:${lead.id}`, before: before ?? null, after }]);
}

export interface NewLead {
  channel: 'tip' | 'intake';
  reporter: string;
  unitCode?: string;
  title: string;
  fields: LeadFields;
}

/** Inserts and audits a new, open lead. */
async function insertNewLead(tx: Tx, input: NewLead, ctx: ViewContext): Promise<LeadRow> {
  const urlKey = input.fields.url ? normalizeUrl(input.fields.url) : undefined;
  const lead = await insertLead(tx, {
    channel: input.channel,
    reporter: input.reporter,
    unitCode: input.unitCode ?? null,
    title: input.title,
    fields: input.fields,
    url: input.fields.url ?? null,
    urlKey: urlKey?.ok ? urlKey.url : null,
    status: 'open',
    reportedAt: ctx.now,
    lastPushedAt: ctx.now,
    updatedAt: ctx.now,
  });
  await auditLead(tx, lead, input.reporter, STATUS_AUDIT.open, ctx.now, { channel: lead.channel, title: lead.title, unit: lead.unitCode, url: lead.url });
  return lead;
}

/** Records a new lead, audits it and sends the lead card to the news office, in the caller's transaction. */
export async function createLead(tx: Tx, input: NewLead, ctx: ViewContext): Promise<LeadRow> {
  const lead = await insertNewLead(tx, input, ctx);
  await syncLeadCards(tx, lead, ctx);
  return lead;
}

/**
 * The lead is about an article that is already an item: it is closed as merged into that item,
 * which gets an audit row (its timeline shows who reported it again); the reporter is told in
 * private unless the caller answers them directly. The lead's cards are the caller's to update.
 */
export async function mergeLeadIntoItem(tx: Tx, lead: LeadRow, item: ItemRow, actor: string, ctx: ViewContext, options: { tellReporter: boolean }): Promise<LeadRow> {
  const merged = await updateLead(tx, lead.id, { status: 'merged', itemId: item.id, handledBy: actor, handledAt: ctx.now, updatedAt: ctx.now });
  await auditLead(tx, merged, actor, STATUS_AUDIT.merged, ctx.now, { status: 'merged', itemId: item.id, ref: item.ref }, { status: lead.status });
  const reporter = await reporterLabel(tx, lead);
  await insertAuditEntries(tx, [{ at: ctx.now, actor: lead.reporter, action: 'item.lead_merged', itemId: item.id, subject: `item:${item.ref}`, after: { lead: lead.id, reporter } }]);
  if (options.tellReporter) await tellReporter(tx, merged, 'merged', `您报送的线索「${lead.title}」与已登记的舆情 ${item.ref}「${item.title}」是同一篇文章，已并入该舆情，无需重复报送。`, ctx.now);
  return merged;
}

/** An item the article already became: by a lead registered earlier, or registered directly. */
async function itemForArticle(tx: Tx, urlKey: string, since: Date): Promise<ItemRow | undefined> {
  return (await findItemsByUrlKey(tx, urlKey)).filter((item) => item.registeredAt >= since).at(-1);
}

/**
 * A tip from a unit. A link that is already an item is recorded (reporting counts in the ledger)
 * and merged into that item at once, instead of waiting for the news office.
 */
export async function reportTip(tx: Tx, input: Omit<NewLead, 'channel'>, ctx: ViewContext): Promise<{ kind: 'reported'; lead: LeadRow } | { kind: 'merged'; lead: LeadRow; item: ItemRow }> {
  const key = input.fields.url ? normalizeUrl(input.fields.url) : undefined;
  const existing = key?.ok ? (await findItemsByUrlKey(tx, key.url)).at(-1) : undefined;
  if (!existing) return { kind: 'reported', lead: await createLead(tx, { ...input, channel: 'tip' }, ctx) };
  const lead = await insertNewLead(tx, { ...input, channel: 'tip' }, ctx);
  return { kind: 'merged', lead: await mergeLeadIntoItem(tx, lead, existing, 'system:dedupe', ctx, { tellReporter: false }), item: existing };
}

// ---------------------------------------------------------------------------------------------
// Monitoring-system push

export interface IntakeAlert {
  title: string;
  link: string;
  source: string;
  publishedAt: Date;
  summary?: string;
  spread?: { views?: number; reposts?: number; comments?: number };
  sentiment?: 'negative' | 'neutral' | 'positive';
  keywords: string[];
}

export interface IntakeOutcome {
  /** The lead the push created or merged into; null when it was recorded against an item directly. */
  lead: number | null;
  merged: boolean;
  /** The item it was recorded against, when the article is already an item. */
  item?: string;
}

/**
 * One alert from a monitoring system (`system` names the token's source). The same article
 * (normalised link) pushed again within `policy.intake.merge_window` merges into the earlier lead
 * (pushes counted, spread updated) or, once it is an item, is recorded against the item; otherwise
 * it becomes a new lead with a card for the news office. Never an item by itself.
 */
export async function intakeAlert(tx: Tx, system: string, alert: IntakeAlert, ctx: ViewContext): Promise<IntakeOutcome> {
  const key = normalizeUrl(alert.link);
  if (!key.ok) throw new Error('intake link was checked before'); // the body schema refuses it first
  const reporter = `${MONITOR_PREFIX}${system}`;
  await lockArticle(tx, key.url);
  const since = new Date(ctx.now.getTime() - ctx.policy.intake.merge_window * 60_000);
  const earlier = await findRecentLeadByUrlKey(tx, key.url, since);
  if (earlier) {
    const f = fieldsOf(earlier);
    const fields: LeadFields = { ...f, ...(alert.spread ? { spread: { ...f.spread, ...alert.spread } } : {}), ...(alert.sentiment ? { sentiment: alert.sentiment } : {}) };
    if (alert.keywords.length > 0) fields.keywords = [...new Set([...(f.keywords ?? []), ...alert.keywords])];
    const updated = await updateLead(tx, earlier.id, { pushes: earlier.pushes + 1, lastPushedAt: ctx.now, fields, updatedAt: ctx.now });
    await auditLead(tx, updated, reporter, 'lead.pushed_again', ctx.now, { pushes: updated.pushes, spread: fields.spread ?? null });
    const item = earlier.itemId ? await findItemById(tx, earlier.itemId) : undefined;
    if (item) await recordPushOnItem(tx, item, reporter, alert, ctx, earlier.id);
    await syncLeadCards(tx, updated, ctx);
    return { lead: earlier.id, merged: true, ...(item ? { item: item.ref } : {}) };
  }
  const item = await itemForArticle(tx, key.url, since);
  if (item) {
    await recordPushOnItem(tx, item, reporter, alert, ctx);
    return { lead: null, merged: true, item: item.ref };
  }
  const source = parseSource(alert.source);
  const lead = await createLead(
    tx,
    {
      channel: 'intake',
      reporter,
      title: alert.title,
      fields: {
        url: alert.link,
        ...(source ? { source } : { sourceText: alert.source }),
        postedAt: alert.publishedAt.toISOString(),
        discoveredAt: ctx.now.toISOString(),
        ...(alert.summary ? { summary: alert.summary } : {}),
        ...(alert.spread ? { spread: alert.spread } : {}),
        ...(alert.sentiment ? { sentiment: alert.sentiment } : {}),
        keywords: alert.keywords,
      },
    },
    ctx,
  );
  return { lead: lead.id, merged: false };
}

/** The article is already an item: the push is an audit row on it (its timeline shows it). */
async function recordPushOnItem(tx: Tx, item: ItemRow, reporter: string, alert: IntakeAlert, ctx: ViewContext, lead?: number): Promise<void> {
  await insertAuditEntries(tx, [
    {
      at: ctx.now,
      actor: reporter,
      action: 'item.intake_push',
      itemId: item.id,
      subject: `item:${item.ref}`,
      after: { system: reporter.slice(MONITOR_PREFIX.length), spread: alert.spread ?? null, sentiment: alert.sentiment ?? null, lead: lead ?? null },
    },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Registration form from a lead, and the item's "线索来源"

const pad = (n: number) => String(n).padStart(2, '0');
function pickerValue(iso: string | undefined, tz: string): string | undefined {
  if (!iso) return undefined;
  const p = localParts(new Date(iso), tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** The registration form's defaults (see cards/register-form.ts) from what the lead reported. */
export function registerDefaultsOf(lead: LeadRow, tz: string): Partial<Record<string, string>> {
  const f = fieldsOf(lead);
  const d: Partial<Record<string, string>> = {
    title: lead.title,
    url: f.url,
    source: f.source ?? (f.sourceText ? 'other' : undefined),
    category: f.category,
    level: f.level,
    kind: f.kind,
    lead: f.leadUnit,
    cooperating: f.cooperatingUnits?.join(','),
    posted: pickerValue(f.postedAt, tz),
    found: pickerValue(f.discoveredAt ?? lead.reportedAt.toISOString(), tz),
    summary: [f.summary, f.keywords && f.keywords.length > 0 ? `（监测关键词：${f.keywords.join('、')}${f.sentiment ? `；倾向：${SENTIMENT_LABELS[f.sentiment]}` : ''}）` : undefined]
      .filter(Boolean)
      .join('\n'),
    views: f.spread?.views?.toString(),
    reposts: f.spread?.reposts?.toString(),
    comments: f.spread?.comments?.toString(),
    path: f.path,
    comment_situation: f.comments,
    netizen_views: f.views,
    drill: f.drill ? 'yes' : 'no',
  };
  return Object.fromEntries(Object.entries(d).filter(([, value]) => value !== undefined && value !== '')) as Partial<Record<string, string>>;
}

/**
 * 线索来源：县卫健委 刘芳（11月27日 10:00 报送）, for the item card's facts, from the lead the item
 * was registered from (readItemViewRecords); undefined when the item did not come from a lead.
 */
export async function leadSourceFrom(db: DbOrTx, lead: LeadRow | undefined, ctx: Pick<ViewContext, 'tz' | 'now'>): Promise<string | undefined> {
  if (!lead) return undefined;
  return `${await reporterLabel(db, lead)}（${formatLocalTime(lead.reportedAt, ctx.tz, ctx.now)} 报送）`;
}
