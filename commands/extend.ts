import { z } from 'zod';
import { CLOCK_LABELS_ZH, computeClocks, effectiveDue, type ClockKind } from '../src/domain/clocks.js';
import { parseDurationMinutes } from '../src/domain/policy.js';
import { extensions } from '../src/db/schema/index.js';
import { answer, requirePermission, saveItemChange } from '../src/workflow/actions/common.js';
import { actionContextOf, itemByRef, refArg, viewContextOf } from '../src/workflow/command-actions.js';
import { InputError } from '../src/workflow/errors.js';
import { loadFacts } from '../src/workflow/item-facts.js';
import { formatLocalTime } from '../src/workflow/present.js';
import { defineCommand } from './types.js';

const CLOCK_NAMES: Record<string, ClockKind> = Object.fromEntries([
  ...Object.entries(CLOCK_LABELS_ZH).map(([kind, label]) => [label, kind as ClockKind]),
  ...Object.keys(CLOCK_LABELS_ZH).map((kind) => [kind, kind as ClockKind]),
  ['答复', 'answer'],
]);

/** 24h, 2d, 90m, or Chinese: 24小时, 2天, 30分钟. */
export function parseExtension(text: string): number | undefined {
  const chinese = /^(\d+(?:\.\d+)?)\s*(天|日|小时|个小时|分钟|分)$/.exec(text.trim());
  if (chinese) {
    const value = Number(chinese[1]);
    const unit = chinese[2]!;
    return Math.round(unit === '天' || unit === '日' ? value * 1440 : unit.includes('小时') ? value * 60 : value);
  }
  return parseDurationMinutes(text);
}

export const extendCommand = defineCommand({
  name: 'extend',
  aliases: ['延期'],
  summary: '延长某个时限（县新闻办）：台账保留原时限和延期后的时限',
  usage: ['/yq extend <编号> <时限> <延长多久> <理由>'],
  examples: ['/舆情 延期 YQ-20261127-001 核实 24小时 需要调取监控录像', '/yq extend YQ-20261127-001 respond 2d 等待上级统一口径'],
  args: z.tuple([
    z.custom<string>((t) => typeof t === 'string' && refArg.test(t), { error: '这里需要舆情编号，例如 YQ-20261127-001' }),
    z.custom<string>((t) => typeof t === 'string' && t.toLowerCase() in CLOCK_NAMES, { error: `时限只能是：${Object.values(CLOCK_LABELS_ZH).filter((l) => l !== '跟踪').join('、')}` }),
    z.custom<string>((t) => typeof t === 'string' && parseExtension(t) !== undefined, { error: '延长多久写成 24小时、2天 或 90m' }),
  ]).rest(z.unknown()),
  async run(ctx, [itemRef, clockName, duration, ...reasonWords]) {
    const reason = reasonWords.map(String).join(' ').trim();
    if (!reason) throw new InputError('请写明延期理由。');
    const action = actionContextOf(ctx);
    const item = await itemByRef(ctx, itemRef);
    await requirePermission(action, item, 'extend');
    const kind = CLOCK_NAMES[clockName.toLowerCase()]!;
    const view = viewContextOf(ctx);
    const clock = computeClocks(await loadFacts(ctx.tx, item), { policy: view.policy, tz: view.tz, calendar: view.calendar }).find((c) => c.kind === kind);
    if (!clock) throw new InputError(`${item.ref} 没有${CLOCK_LABELS_ZH[kind]}时限。`);
    if (clock.met) throw new InputError(`${item.ref} 的${CLOCK_LABELS_ZH[kind]}时限已经完成，无需延期。`);
    const previous = effectiveDue(clock);
    const next = new Date(previous.getTime() + parseExtension(duration)! * 60_000);
    await ctx.tx.insert(extensions).values({ itemId: item.id, clock: kind, previousDueAt: previous, newDueAt: next, reason, by: ctx.actor.openId, at: ctx.now });
    const updated = await saveItemChange(action, item, 'item.extended', {}, { clock: kind, previousDue: previous.toISOString(), newDue: next.toISOString(), reason });
    await answer(action, updated, '');
    await ctx.reply({
      msgType: 'text',
      text: `已将 ${item.ref} 的${CLOCK_LABELS_ZH[kind]}时限从 ${formatLocalTime(previous, view.tz, ctx.now)} 延至 ${formatLocalTime(next, view.tz, ctx.now)}（原定 ${formatLocalTime(clock.due, view.tz, ctx.now)}）。理由：${reason}`,
    });
  },
});
