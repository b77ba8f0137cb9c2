import type { ItemCardView } from '../../cards/item.js';
import { CLOCK_LABELS_ZH, clockStatus, computeClocks, type ClockView, type Level } from '../domain/clocks.js';
import { STATE_LABELS_ZH, type ItemState } from '../domain/lifecycle.js';
import type { Policy } from '../domain/policy.js';
import { outcomeLabel } from '../domain/verification.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import { CATEGORIES, KIND_LABELS, LEVEL_LABELS, SOURCES } from '../domain/registration.js';
import type { DbOrTx } from '../db/client.js';
import type { ItemRow } from '../db/queries/items.js';
import { unitsOfItem } from '../db/queries/items.js';
import { readItemViewRecords, type AuditRow, type ItemViewRecords } from '../db/queries/item-view-records.js';
import { findPerson, findPersonByOpenId, findUnit } from '../db/queries/organisation.js';
import type { ItemClocks } from './deadlines.js';
import { loadFacts } from './item-facts.js';
import { leadSourceFrom } from './leads.js';
import { assessmentNoteFrom } from './assessments.js';
import { formatLocalTime, formatMinutes, formatSpread } from './present.js';

/** Which chat sees which actions (DESIGN.md §5 Cards). */
export type CardVariant = 'news' | 'lead' | 'cooperating' | 'leader' | 'observer';

export interface ViewContext {
  tz: string;
  policy: Policy;
  now: Date;
  /** The official working-day calendar, for policy.calendar = working_days. */
  calendar?: WorkingCalendar;
}

const DUE_SOON_MINUTES = 120;

function clockLines(views: ClockView[], ctx: ViewContext): ItemCardView['clocks'] {
  return views.map((view) => {
    const status = clockStatus(view, ctx.now);
    const due = formatLocalTime(view.extendedDue ?? view.due, ctx.tz, ctx.now);
    const label = CLOCK_LABELS_ZH[view.kind];
    switch (status.state) {
      case 'running':
        return { label, due, status: status.dueInMinutes <= DUE_SOON_MINUTES ? 'due_soon' : 'running', detail: `还剩 ${formatMinutes(status.dueInMinutes)}` };
      case 'overdue':
        return { label, due, status: 'overdue', detail: `已超时 ${formatMinutes(status.overdueByMinutes)}` };
      case 'met':
        return status.onTime
          ? { label, due, status: 'met', detail: `已于 ${formatLocalTime(status.metAt, ctx.tz, ctx.now)} 完成` }
          : { label, due, status: 'met_late', detail: `已完成，超时 ${formatMinutes(status.lateByMinutes)}` };
      case 'ended':
        return { label, due, status: 'met', detail: '跟踪期已结束' };
    }
  });
}

/** Chinese text of each audited step, for the timeline. */
const TIMELINE_TEXT: Record<string, (after: Record<string, unknown>) => string> = {
  'item.registered': () => '登记舆情',
  'item.routed': (a) => `指定牵头单位：${String(a.leadName ?? a.lead ?? '')}`,
  'item.reassigned': (a) => `改派牵头单位：${String(a.leadName ?? a.lead ?? '')}`,
  'item.acknowledged': () => '认领',
  'item.dispute_raised': (a) => `申请改派：${String(a.reason ?? '')}`,
  'item.dispute_insisted': () => '县新闻办维持原牵头单位',
  'item.verified': (a) => `提交核实：${outcomeLabel(String(a.outcome))}`,
  'item.verification_updated': (a) => `更新核实：${outcomeLabel(String(a.outcome))}`,
  'item.draft_submitted': (a) => `提交第 ${String(a.draftVersion)} 版回应稿`,
  'item.draft_approved': (a) => `第 ${String(a.draftVersion)} 版审核通过`,
  'item.draft_returned': (a) => `第 ${String(a.draftVersion)} 版退回修改：${String(a.comment ?? '')}`,
  'item.wording_confirmed': (a) => `${String(a.unit)} 会签确认`,
  'item.wording_objected': (a) => `${String(a.unit)} 对口径提出意见`,
  'item.published': () => '登记发布',
  'item.watch_started': () => '进入跟踪期',
  'item.media_contact': (a) => `媒体沟通：${String(a.outlet ?? '')}`,
  'item.rectified': () => '整改完成',
  'item.instruction': (a) => `批示：${String(a.text ?? '')}`,
  'item.handed_over': () => '移交公安网信',
  'item.handover_received': (a) => `${String(a.unit)} 确认接收移交`,
  'item.consultation_convened': () => '发起会商',
  'item.consultation_recorded': () => '会商记录',
  'item.disposal_submitted': () => '处置意见报审',
  'item.disposal_approved': () => '处置意见获批',
  'item.disposal_rejected': () => '处置意见未获批',
  'item.closed': () => '办结',
  'item.reopened': () => '重新打开',
  'item.recurred': (a) => `舆情反复${a.note ? `：${String(a.note)}` : ''}`,
  'item.redispatched': () => '重新交办',
  'item.feedback': (a) => `反馈处置情况：${String(a.text ?? '')}`,
  'item.extended': (a) => `延期：${String(a.reason ?? '')}`,
  'item.special_report': () => '编报舆情专报',
  'item.cards_reposted': () => '卡片重新发送（飞书卡片 14 天后不能再操作）',
  'item.watch_finished': () => '跟踪期结束，自动办结',
  'item.lead_merged': (a) => `报送同一链接的线索 #${String(a.lead ?? '')}，已并入`,
  'item.intake_push': () => '监测系统再次推送同一文章',
  'item.assessment_linked': (a) => `关联舆情风险评估 #${String(a.assessment ?? '')}「${String(a.name ?? '')}」（关键词：${String(a.keyword ?? '')}）`,
};

async function timelineEntries(db: DbOrTx, rows: AuditRow[], ctx: ViewContext): Promise<ItemCardView['timeline']> {
  const names = new Map<string, string>();
  const nameOf = async (actor: string) => {
    if (!names.has(actor)) names.set(actor, (await findPersonByOpenId(db, actor))?.name ?? (await findPerson(db, actor))?.name ?? (actor.startsWith('system') ? '舆情助手' : actor));
    return names.get(actor)!;
  };
  const entries: ItemCardView['timeline'] = [];
  for (const row of rows) {
    const text = TIMELINE_TEXT[row.action]?.((row.after as Record<string, unknown>) ?? {}) ?? row.action;
    entries.push({ at: formatLocalTime(row.at, ctx.tz, ctx.now), actor: await nameOf(row.actor), text });
  }
  return entries;
}

interface ActionFacts {
  hasLead: boolean;
  rectificationPending: boolean;
  unitRole?: string;
}

const OPEN: ItemState[] = ['dispatched', 'acknowledged', 'verified', 'drafting', 'in_review', 'approved', 'responded', 'watching'];

/** The buttons a copy shows: what its people may do in this state (DESIGN.md §2b, §5). */
function actionsFor(variant: CardVariant, item: ItemRow, facts: ActionFacts): ItemCardView['actions'] {
  const base = { item: item.id, v: item.version };
  const form = (label: string, name: string, style?: 'primary' | 'danger') => ({ label, value: { ...base, action: 'open_form', form: name }, ...(style ? { style } : {}) });
  const state = item.state as ItemState;
  const open = OPEN.includes(state);
  const major = item.level !== 'general';
  const actions: ItemCardView['actions'] = [];
  if (variant === 'lead') {
    if (state === 'dispatched') actions.push({ label: '认领', value: { ...base, action: 'acknowledge' }, style: 'primary' });
    if (state === 'dispatched' || state === 'acknowledged') actions.push(form('提交核实', 'verify', state === 'acknowledged' ? 'primary' : undefined), form('申请改派', 'dispute'));
    if (state === 'verified' || state === 'drafting') actions.push(form('起草回应', 'draft', 'primary'));
    if (state === 'in_review') actions.push(form('审核回应稿', 'review', 'primary'), form('修改回应稿', 'draft'));
    if (state === 'approved') actions.push(form('登记发布', 'publication', 'primary'), form('修改回应稿', 'draft'));
    if (state === 'responded' || state === 'watching') actions.push(form('登记发布', 'publication'));
    if (open) actions.push(form('媒体沟通', 'media'));
    if (open && facts.rectificationPending) actions.push(form('整改完成', 'rectification'));
  }
  if (variant === 'news' && facts.hasLead) {
    if (open) actions.push(form('登记发布', 'publication'), form('移交公安网信', 'handover', item.category === 'rumour' ? 'primary' : undefined));
    if (open && major) actions.push({ label: '发起会商', value: { ...base, action: 'convene' } });
    if (open) actions.push({ label: '办结', value: { ...base, action: 'close' }, style: 'danger', confirm: `确认办结 ${item.ref}？` });
    if (state === 'closed') actions.push({ label: '重新打开', value: { ...base, action: 'reopen' }, confirm: `确认重新打开 ${item.ref}？` });
  }
  if (variant === 'leader' && state !== 'closed') actions.push(form('批示', 'instruction', 'primary'));
  if (variant === 'observer' && facts.unitRole === 'propaganda' && open && major) actions.push({ label: '发起会商', value: { ...base, action: 'convene' } });
  return actions;
}

function nextStep(item: ItemRow, leadName: string | undefined): string | undefined {
  switch (item.state as ItemState) {
    case 'registered':
      return leadName ? undefined : '等待县新闻办指定牵头单位';
    case 'dispatched':
      return `等待${leadName ?? '牵头单位'}认领`;
    case 'acknowledged':
      return `等待${leadName ?? '牵头单位'}提交核实情况`;
    case 'verified':
    case 'drafting':
      return `等待${leadName ?? '牵头单位'}起草回应稿`;
    case 'in_review':
      return `等待${leadName ?? '牵头单位'}负责人审核回应稿`;
    case 'approved':
      return '回应稿已审核，等待会签确认和发布';
    case 'responded':
    case 'watching':
      return '已回应，跟踪舆情走势，防止反复';
    case 'reopened':
      return '等待县新闻办重新交办';
    default:
      return undefined;
  }
}

/** Everything one copy of the item card shows, for one audience. */
/** What every copy of an item's card shares: loaded once per change, whatever the number of copies. */
export interface ItemViewData {
  common: Omit<ItemCardView, 'mention' | 'actions' | 'unitChoices'>;
  hasLead: boolean;
  rectificationPending: boolean;
}

/**
 * `loaded`: the clocks, when the caller worked them out; `records`: the item's view records
 * (readItemViewRecords), when the caller reads them for its own use too.
 */
export async function loadItemView(db: DbOrTx, item: ItemRow, ctx: ViewContext, loaded?: ItemClocks, records?: Promise<ItemViewRecords>): Promise<ItemViewData> {
  // Reads only, sent together: postgres.js pipelines them on the connection.
  const [units, facts, read] = await Promise.all([unitsOfItem(db, item.id), loaded?.facts ?? loadFacts(db, item), records ?? readItemViewRecords(db, item.id)]);
  const [leadSource, riskAssessment, timeline] = await Promise.all([leadSourceFrom(db, read.lead, ctx), assessmentNoteFrom(db, read.assessments), timelineEntries(db, read.timeline, ctx)]);
  const views = loaded?.views ?? computeClocks(facts, { policy: ctx.policy, tz: ctx.tz, calendar: ctx.calendar });
  const leadName = units.lead ? (await findUnit(db, units.lead))?.name : undefined;
  const cooperating = await Promise.all(units.cooperating.map(async (code) => (await findUnit(db, code))?.name ?? code));
  const level = item.level as Level;
  return {
    hasLead: Boolean(units.lead),
    rectificationPending: Boolean(facts.verification?.rectificationNeeded && !facts.rectifiedAt),
    common: {
      ref: item.ref,
      title: item.title,
      url: item.url ?? undefined,
      sourceLabel: item.source ? (SOURCES[item.source as keyof typeof SOURCES]?.label ?? item.source) : undefined,
      categoryLabel: CATEGORIES[item.category as keyof typeof CATEGORIES]?.label ?? item.category,
      level,
      levelLabel: LEVEL_LABELS[level],
      kindLabel: KIND_LABELS[item.kind as keyof typeof KIND_LABELS],
      stateLabel: STATE_LABELS_ZH[item.state as ItemState],
      drill: item.drill,
      summary: item.summary ?? undefined,
      postedAt: item.postedAt ? formatLocalTime(item.postedAt, ctx.tz, ctx.now) : undefined,
      discoveredAt: formatLocalTime(item.discoveredAt, ctx.tz, ctx.now),
      spread: formatSpread(item.spread),
      leadUnit: leadName,
      cooperatingUnits: cooperating,
      routingNote: item.routingNote ?? undefined,
      leadSource,
      riskAssessment,
      clocks: clockLines(views, ctx),
      footnote: views.some((c) => c.beyondCalendarData) ? '工作日历数据已用完，超出部分仅按周末计算，请管理员更新节假日数据' : undefined,
      nextStep: nextStep(item, leadName),
      timeline,
      baseValue: { item: item.id, v: item.version },
      version: item.version,
    },
  };
}

/** One copy's card: the shared data plus what this audience may do. Pure. */
export function cardViewFor(
  data: ItemViewData,
  item: ItemRow,
  variant: CardVariant,
  extra: { mention?: string[]; unitChoices?: { code: string; name: string }[]; unitRole?: string } = {},
): ItemCardView {
  return {
    ...data.common,
    mention: extra.mention,
    actions: actionsFor(variant, item, { hasLead: data.hasLead, rectificationPending: data.rectificationPending, unitRole: extra.unitRole }),
    unitChoices: variant === 'news' && !data.hasLead ? extra.unitChoices : undefined,
  };
}

/** Everything one copy of the item card shows, for one audience. */
export async function itemCardView(
  db: DbOrTx,
  item: ItemRow,
  variant: CardVariant,
  ctx: ViewContext,
  extra: { mention?: string[]; unitChoices?: { code: string; name: string }[]; unitRole?: string } = {},
): Promise<ItemCardView> {
  return cardViewFor(await loadItemView(db, item, ctx), item, variant, extra);
}
