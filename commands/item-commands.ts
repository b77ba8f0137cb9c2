import { z } from 'zod';
import { CLOCK_LABELS_ZH } from '../src/domain/clocks.js';
import { STATE_LABELS_ZH, type ItemState } from '../src/domain/lifecycle.js';
import { overdueClockKinds } from '../src/db/queries/clocks.js';
import { listItems, unitsOfItem, unitsOfItems } from '../src/db/queries/items.js';
import { findUnit, listActiveUnits } from '../src/db/queries/organisation.js';
import { consultationsOf } from '../src/db/queries/records.js';
import { closeItem, reopenItem } from '../src/workflow/actions/lifecycle.js';
import { answer, requirePermission, saveItemChange } from '../src/workflow/actions/common.js';
import { changeLead } from '../src/workflow/actions/routing.js';
import { submitDraft } from '../src/workflow/actions/main-path.js';
import { actionContextOf, itemByRef, refArg, viewContextOf } from '../src/workflow/command-actions.js';
import { InputError, RefusedError } from '../src/workflow/errors.js';
import { itemCardView } from '../src/workflow/item-view.js';
import { itemCard } from '../cards/item.js';
import { resolveUnit } from '../src/workflow/units.js';
import { enqueueOutbox } from '../src/db/queries/outbox.js';
import { word } from './args.js';
import { defineCommand, type CommandContext } from './types.js';

const ref = z.custom<string>((t) => typeof t === 'string' && refArg.test(t), { error: '这里需要舆情编号，例如 YQ-20261127-001' });

const OPEN_STATES = ['registered', 'dispatched', 'acknowledged', 'verified', 'drafting', 'in_review', 'approved', 'responded', 'watching', 'reopened'];
const LIST_FILTERS: Record<string, string[] | 'overdue'> = {
  超时: 'overdue',
  逾期: 'overdue',
  overdue: 'overdue',
  未办结: OPEN_STATES,
  open: OPEN_STATES,
  全部: [...OPEN_STATES, 'closed'],
  all: [...OPEN_STATES, 'closed'],
  已办结: ['closed'],
  closed: ['closed'],
};

async function listText(ctx: CommandContext, filter: string | undefined): Promise<string> {
  let states = OPEN_STATES;
  let unit: string | undefined;
  let overdueOnly = false;
  if (filter) {
    const named = LIST_FILTERS[filter.toLowerCase()];
    if (named === 'overdue') overdueOnly = true;
    else if (Array.isArray(named)) states = named;
    else {
      const stateCode = (Object.entries(STATE_LABELS_ZH) as [ItemState, string][]).find(([code, label]) => label === filter || code === filter)?.[0];
      if (stateCode) states = [stateCode];
      else unit = (await resolveUnit(ctx.tx, filter)).code;
    }
  }
  let rows = await listItems(ctx.tx, { states, unit, includeDrill: true, limit: overdueOnly ? 500 : 30 });
  const overdue = await overdueClockKinds(ctx.tx, rows.map((row) => row.id), ctx.now);
  if (overdueOnly) rows = rows.filter((row) => overdue.has(row.id)).slice(0, 30);
  if (rows.length === 0) return '没有符合条件的舆情。';
  const lines: string[] = [];
  const [units, activeUnits] = await Promise.all([unitsOfItems(ctx.tx, rows.map((row) => row.id)), listActiveUnits(ctx.tx)]);
  const unitNames = new Map(activeUnits.map((unit) => [unit.code, unit.name]));
  for (const row of rows) {
    const { lead } = units.get(row.id)!;
    const leadName = lead ? (unitNames.get(lead) ?? (await findUnit(ctx.tx, lead))?.name ?? lead) : '待指定';
    const late = overdue.get(row.id)?.map((kind) => CLOCK_LABELS_ZH[kind]);
    lines.push(`${row.ref} ${row.drill ? '[演练]' : ''}[${STATE_LABELS_ZH[row.state as ItemState]}] ${row.title}（${leadName}）${late ? ` ⚠${late.join('、')}超时` : ''}`);
  }
  return [`共 ${rows.length} 条${rows.length === 30 ? '（只列出最近 30 条）' : ''}：`, ...lines, '', '查看详情：/舆情 查看 <编号>'].join('\n');
}

export const listCommand = defineCommand({
  name: 'list',
  aliases: ['列表'],
  summary: '列出舆情：未办结（默认）、超时、全部、已办结、某个状态或某个单位的',
  usage: ['/yq list [未办结|超时|全部|已办结|状态|单位]'],
  examples: ['/舆情 列表', '/舆情 列表 卫健委', '/yq list 待审核'],
  args: z.tuple([word('筛选条件').optional()]),
  async run(ctx, [filter]) {
    await ctx.reply({ msgType: 'text', text: await listText(ctx, filter) });
  },
});

export const showCommand = defineCommand({
  name: 'show',
  aliases: ['查看'],
  summary: '查看一条舆情：卡片和完整的办理记录',
  usage: ['/yq show <编号>'],
  examples: ['/舆情 查看 YQ-20261127-001'],
  args: z.tuple([ref]),
  async run(ctx, [itemRef]) {
    const item = await itemByRef(ctx, itemRef);
    const view = await itemCardView(ctx.tx, item, 'observer', viewContextOf(ctx));
    await ctx.reply({ msgType: 'interactive', card: itemCard({ ...view, actions: [] }) });
    const timeline = view.timeline.map((entry) => `${entry.at} ${entry.actor}：${entry.text}`);
    await ctx.reply({ msgType: 'text', text: [`${item.ref} 办理记录（共 ${timeline.length} 条）：`, ...timeline].join('\n') });
  },
});

export const assignCommand = defineCommand({
  name: 'assign',
  aliases: ['改派'],
  summary: '改派牵头单位（县新闻办）；新单位需重新认领',
  usage: ['/yq assign <编号> <单位>'],
  examples: ['/舆情 改派 YQ-20261127-001 教育局'],
  args: z.tuple([ref, word('单位')]),
  async run(ctx, [itemRef, unitName]) {
    const action = actionContextOf(ctx);
    const item = await itemByRef(ctx, itemRef);
    await requirePermission(action, item, 'reassign');
    const unit = await resolveUnit(ctx.tx, unitName);
    const updated = await changeLead(action, item, unit.code, `县新闻办改派：${unit.name}`);
    await answer(action, updated, '');
    await ctx.reply({ msgType: 'text', text: `已将 ${item.ref} 改派给${unit.name}，该单位需重新认领。` });
  },
});

export const closeCommand = defineCommand({
  name: 'close',
  aliases: ['办结'],
  summary: '办结一条舆情（县新闻办）',
  usage: ['/yq close <编号> [说明]'],
  examples: ['/舆情 办结 YQ-20261127-001 已回应，舆情平息'],
  args: z.array(z.unknown()).min(1, { error: '这里需要舆情编号' }),
  async run(ctx, tokens, rest) {
    const [itemRef] = tokens as string[];
    if (!itemRef || !refArg.test(String(itemRef))) throw new InputError('第 1 个参数：这里需要舆情编号，例如 YQ-20261127-001');
    const action = actionContextOf(ctx);
    const item = await itemByRef(ctx, String(itemRef));
    const note = rest.slice(String(itemRef).length).trim() || undefined;
    await answer(action, await closeItem(action, item, note), '');
    await ctx.reply({ msgType: 'text', text: `已办结 ${item.ref}。` });
  },
});

function reopenCommandOf(name: 'reopen' | 'recur') {
  return defineCommand({
    name,
    aliases: name === 'reopen' ? ['重新打开'] : ['反复'],
    summary: name === 'reopen' ? '重新打开已办结的舆情（县新闻办）' : '舆情反复：重新打开并保留办理记录（县新闻办）',
    usage: [`/yq ${name} <编号> [说明]`],
    examples: [name === 'reopen' ? '/舆情 重新打开 YQ-20261127-001 网友继续追问' : '/舆情 反复 YQ-20261127-001 同一话题再次发酵'],
    args: z.array(z.unknown()).min(1, { error: '这里需要舆情编号' }),
    async run(ctx: CommandContext, tokens: unknown[], rest: string) {
      const [itemRef] = tokens as string[];
      if (!itemRef || !refArg.test(String(itemRef))) throw new InputError('第 1 个参数：这里需要舆情编号，例如 YQ-20261127-001');
      const action = actionContextOf(ctx);
      const item = await itemByRef(ctx, String(itemRef));
      const note = rest.slice(String(itemRef).length).trim() || undefined;
      const updated = await reopenItem(action, item, name, note);
      await answer(action, updated, '');
      await ctx.reply({ msgType: 'text', text: `已重新打开 ${item.ref}，交牵头单位重新认领。` });
    },
  });
}

export const reopenCommand = reopenCommandOf('reopen');
export const recurCommand = reopenCommandOf('recur');

export const draftCommand = defineCommand({
  name: 'draft',
  aliases: ['起草'],
  summary: '提交较长的回应稿：第一行写命令和编号，下面写全文（牵头单位）',
  usage: ['/yq draft <编号>\n<回应稿全文>'],
  examples: ['/舆情 起草 YQ-20261127-001\n关于网友反映县医院挂号排队问题的回应……'],
  args: z.array(z.unknown()).min(1, { error: '这里需要舆情编号' }),
  async run(ctx, tokens, rest) {
    const [itemRef] = tokens as string[];
    if (!itemRef || !refArg.test(String(itemRef))) throw new InputError('第 1 个参数：这里需要舆情编号，例如 YQ-20261127-001');
    const text = rest.slice(rest.indexOf('\n') + 1).trim();
    if (!rest.includes('\n') || !text) throw new InputError('请在命令下面另起一行写回应稿全文。');
    const action = actionContextOf(ctx);
    const item = await itemByRef(ctx, String(itemRef));
    const updated = await submitDraft(action, item, text, undefined);
    await answer(action, updated, '');
    await ctx.reply({ msgType: 'text', text: `已提交 ${item.ref} 的回应稿（${text.length} 字），等待负责人审核。` });
  },
});

export const feedbackCommand = defineCommand({
  name: 'feedback',
  aliases: ['反馈'],
  summary: '会商交办单位报送处置情况，同时送县政府办、县委宣传部和县新闻办',
  usage: ['/yq feedback <编号> <处置情况>'],
  examples: ['/舆情 反馈 YQ-20261127-001 已约谈涉事医院，整改措施已公开'],
  args: z.array(z.unknown()).min(2, { error: '需要舆情编号和处置情况' }),
  async run(ctx, tokens, rest) {
    const [itemRef] = tokens as string[];
    if (!itemRef || !refArg.test(String(itemRef))) throw new InputError('第 1 个参数：这里需要舆情编号，例如 YQ-20261127-001');
    const text = rest.slice(String(itemRef).length).trim();
    const action = actionContextOf(ctx);
    const item = await itemByRef(ctx, String(itemRef));
    const { lead, cooperating } = await unitsOfItem(ctx.tx, item.id);
    const assigned = (await consultationsOf(ctx.tx, item.id)).flatMap((c) => c.assigned ?? []);
    const involved = ctx.actor.memberships.some((m) => m.unitCode === lead || cooperating.includes(m.unitCode) || assigned.includes(m.unitCode));
    if (!involved) throw new RefusedError('report_lead', '只有牵头、配合或会商交办的单位可以报送处置情况。', 'role_not_allowed');
    const updated = await saveItemChange(action, item, 'item.feedback', {}, { text });
    const message = { msgType: 'text' as const, text: `${ctx.actor.name}报送处置情况（${item.ref}）：${text}` };
    const all = await listActiveUnits(ctx.tx);
    const recipients = ['government_office', 'propaganda', 'news_office'].flatMap((role) => all.filter((u) => u.role === role));
    for (const unit of recipients) {
      await enqueueOutbox(ctx.tx, `feedback:${item.id}:${updated.version}:${unit.code}`, { kind: 'send', target: { unit: unit.code }, message }, ctx.now);
    }
    await answer(action, updated, '');
    await ctx.reply({ msgType: 'text', text: `处置情况已同时报送${recipients.map((u) => u.name).join('、')}。` });
  },
});
