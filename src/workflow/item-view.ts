import type { ItemCardView } from '../../cards/item.js';
import { CLOCK_LABELS_ZH, clockStatus, computeClocks, type ItemFacts, type Level } from '../domain/clocks.js';
import { STATE_LABELS_ZH, type ItemState } from '../domain/lifecycle.js';
import type { Policy } from '../domain/policy.js';
import { CATEGORIES, KIND_LABELS, LEVEL_LABELS, SOURCES } from '../domain/registration.js';
import type { DbOrTx } from '../db/client.js';
import type { ItemRow } from '../db/queries/items.js';
import { timelineOf, unitsOfItem } from '../db/queries/items.js';
import { findPerson, findPersonByOpenId, findUnit } from '../db/queries/organisation.js';
import { formatLocalTime, formatMinutes, formatSpread } from './present.js';

/** Which chat sees which actions (DESIGN.md §5 Cards). */
export type CardVariant = 'news' | 'lead' | 'cooperating' | 'leader' | 'observer';

export interface ViewContext {
  tz: string;
  policy: Policy;
  now: Date;
}

/** What the clocks need from an item; later slices add verification, publications, extensions. */
export function factsOf(item: ItemRow): ItemFacts {
  return { level: item.level as Level, kind: item.kind as ItemFacts['kind'], registeredAt: item.registeredAt, discoveredAt: item.discoveredAt };
}

const DUE_SOON_MINUTES = 120;

function clockLines(item: ItemRow, ctx: ViewContext): ItemCardView['clocks'] {
  return computeClocks(factsOf(item), { policy: ctx.policy, tz: ctx.tz }).map((view) => {
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
  'item.acknowledged': () => '认领',
};

async function timelineEntries(db: DbOrTx, item: ItemRow, ctx: ViewContext): Promise<ItemCardView['timeline']> {
  const rows = await timelineOf(db, item.id);
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

function actionsFor(variant: CardVariant, item: ItemRow, hasLead: boolean): ItemCardView['actions'] {
  const value = (action: string) => ({ action, item: item.id, v: item.version });
  const state = item.state as ItemState;
  const actions: ItemCardView['actions'] = [];
  if (variant === 'lead' && state === 'dispatched') actions.push({ label: '认领', value: value('acknowledge'), style: 'primary' });
  if (variant === 'news' && !hasLead) return [];
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
    default:
      return undefined;
  }
}

/** Everything one copy of the item card shows, for one audience. */
export async function itemCardView(db: DbOrTx, item: ItemRow, variant: CardVariant, ctx: ViewContext, extra: { mention?: string[]; unitChoices?: { code: string; name: string }[] } = {}): Promise<ItemCardView> {
  const units = await unitsOfItem(db, item.id);
  const leadName = units.lead ? (await findUnit(db, units.lead))?.name : undefined;
  const cooperating = await Promise.all(units.cooperating.map(async (code) => (await findUnit(db, code))?.name ?? code));
  const level = item.level as Level;
  return {
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
    clocks: clockLines(item, ctx),
    nextStep: nextStep(item, leadName),
    mention: extra.mention,
    timeline: await timelineEntries(db, item, ctx),
    actions: actionsFor(variant, item, Boolean(units.lead)),
    unitChoices: variant === 'news' && !units.lead ? extra.unitChoices : undefined,
    baseValue: { item: item.id, v: item.version },
    version: item.version,
  };
}
