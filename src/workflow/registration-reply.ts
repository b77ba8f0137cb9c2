import { CLOCK_LABELS_ZH, computeClocks, effectiveDue } from '../domain/clocks.js';
import type { RoutingResult } from '../domain/routing.js';
import type { Tx } from '../db/client.js';
import { unitsOfItem, type ItemRow } from '../db/queries/items.js';
import { findUnit } from '../db/queries/organisation.js';
import { loadFacts } from './item-facts.js';
import type { ViewContext } from './item-view.js';
import { formatLocalTime } from './present.js';

/** The registration's answer to the news office: reference, routing and every clock's due time. */
export async function registrationConfirmation(tx: Tx, item: ItemRow, routing: RoutingResult, ctx: ViewContext): Promise<string> {
  const units = await unitsOfItem(tx, item.id);
  const name = async (code: string) => (await findUnit(tx, code))?.name ?? code;
  const lines = [`已登记 ${item.ref}${item.drill ? '（演练）' : ''}：${item.title}`];
  if (units.lead) {
    lines.push(`牵头单位：${await name(units.lead)}（${routing.reasonZh}）`);
    if (units.cooperating.length > 0) lines.push(`配合单位：${(await Promise.all(units.cooperating.map(name))).join('、')}`);
  } else {
    lines.push(`牵头单位：待指定（${routing.reasonZh}）。请在县新闻办的卡片上选择牵头单位。`);
  }
  lines.push('时限：');
  for (const clock of computeClocks(await loadFacts(tx, item), { policy: ctx.policy, tz: ctx.tz, calendar: ctx.calendar })) {
    lines.push(`• ${CLOCK_LABELS_ZH[clock.kind]}：${formatLocalTime(effectiveDue(clock), ctx.tz, ctx.now)} 前`);
  }
  return lines.join('\n');
}
