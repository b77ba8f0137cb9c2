import {
  escapeMd,
  font,
  inlineMd,
  jsonBytes,
  mentions,
  oneLine,
  plainText,
  safeLinkUrl,
  truncate,
  truncationNote,
  type FontColour,
} from './format.js';

/**
 * The item card: one copy per chat that follows the item, each showing the actions its people may
 * take (DESIGN.md §5 Cards). Pure: a view model in, card JSON 2.0 out. Written for a leader reading
 * on a phone: what it is, how serious, who leads, what is due when, who must act next; history
 * folded away; buttons last.
 */
export interface ItemCardView {
  ref: string; // YQ-20261127-001
  title: string;
  url?: string;
  sourceLabel?: string; // 微博
  categoryLabel: string; // 涉及公众切身利益
  level: 'general' | 'major' | 'critical';
  levelLabel: string; // 一般 / 重大 / 特别重大
  kindLabel: string; // 舆情 / 咨询投诉
  stateLabel: string; // 已交办
  /** 演练: grey header and a visible [演练] tag. */
  drill: boolean;
  summary?: string;
  /** Already formatted local times, e.g. 11月27日 09:30. */
  postedAt?: string;
  discoveredAt: string;
  /** Preformatted, e.g. 阅读1.2万 · 转发300 · 评论56. */
  spread?: string;
  /** 县卫健委 (undefined while routing is undecided). */
  leadUnit?: string;
  cooperatingUnits: string[];
  /** Why this unit (keywords matched), or 待县新闻办指定牵头单位. */
  routingNote?: string;
  /** 线索来源: who reported the lead it was registered from, e.g. 县卫健委 刘芳（11月27日 10:00 报送）. */
  leadSource?: string;
  /** 风险评估: the 舆情风险评估 the item was linked to after the policy's release, e.g. #3 县卫健委「…」（高风险，12月15日发布…）. */
  riskAssessment?: string;
  clocks: { label: string; due: string; status: ClockStatus; detail: string }[];
  /** Who must act next, e.g. 等待县卫健委认领. */
  nextStep?: string;
  /** open_ids to @mention at the top. */
  mention?: string[];
  /** Newest last; the card shows the last 5 and says how many earlier ones exist. */
  timeline: { at: string; actor: string; text: string }[];
  actions: { label: string; value: Record<string, unknown>; style?: 'primary' | 'danger' | 'default'; confirm?: string }[];
  /** The news office chooses the lead unit while routing is undecided: one button per unit. */
  unitChoices?: { code: string; name: string }[];
  /**
   * Merged into every unit-choice button's callback value (before `action: 'route'` and `unit`,
   * which always win). Defaults to `{ ref, version }`.
   */
  baseValue?: Record<string, unknown>;
  /** e.g. 此卡片已移至新消息 / 工作日历数据已用完，仅按周末计算. */
  footnote?: string;
  version: number;
}

export type ClockStatus = 'running' | 'due_soon' | 'overdue' | 'met' | 'met_late';

/** How many timeline entries the card shows (the newest). */
export const TIMELINE_SHOWN = 5;
/** At most this many unit-choice buttons; the rest are named in a note, never dropped silently. */
export const MAX_UNIT_BUTTONS = 30;
/** Card size the builder aims under, leaving headroom below Lark's 30 KB for transport wrapping. */
export const ITEM_CARD_BUDGET_BYTES = 29 * 1024;

const TITLE_MAX = 60;
const BUTTON_LABEL_MAX = 20;

/**
 * Text limits, loosest first. The builder uses the first level whose card fits the byte budget, so
 * an ordinary item shows generous text and only a huge one is cut harder (always with a note).
 */
const LIMITS = [
  { summary: 800, line: 200, entry: 200 },
  { summary: 300, line: 120, entry: 80 },
  { summary: 100, line: 60, entry: 40 },
] as const;
type Limits = (typeof LIMITS)[number];

const HEADER_TEMPLATE: Record<ItemCardView['level'], string> = { general: 'blue', major: 'orange', critical: 'red' };
const LEVEL_TAG_COLOUR: Record<ItemCardView['level'], string> = { general: 'blue', major: 'orange', critical: 'red' };
const CLOCK_COLOUR: Record<ClockStatus, FontColour | undefined> = {
  running: undefined,
  due_soon: 'orange',
  overdue: 'red',
  met: 'green',
  met_late: 'orange',
};
/** Ideographic space: a wide gap that survives markdown whitespace collapsing. */
const GAP = '\u3000';
const BUTTON_TYPE = { primary: 'primary_filled', danger: 'danger', default: 'default' } as const;

type Element = Record<string, unknown>;

function md(content: string, extra: Element = {}): Element {
  return { tag: 'markdown', content, ...extra };
}

function textTag(text: string, color: string): Element {
  return { tag: 'text_tag', text: plainText(text), color };
}

function button(label: string, value: Record<string, unknown>, style: keyof typeof BUTTON_TYPE, confirm?: string): Element {
  const b: Element = {
    tag: 'button',
    text: plainText(truncate(oneLine(label), BUTTON_LABEL_MAX).text || '操作'),
    type: BUTTON_TYPE[style],
    size: 'medium',
    behaviors: [{ type: 'callback', value }],
  };
  if (confirm !== undefined && oneLine(confirm) !== '') {
    b.confirm = { title: plainText(`确认${truncate(oneLine(label), BUTTON_LABEL_MAX).text}？`), text: plainText(truncate(oneLine(confirm), 200).text) };
  }
  return b;
}

/** Buttons in a flowing row: wraps on a phone instead of squeezing. */
function buttonRow(buttons: Element[]): Element {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    horizontal_spacing: 'small',
    columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
  };
}

function header(view: ItemCardView): Element {
  const tags = [textTag(oneLine(view.levelLabel), LEVEL_TAG_COLOUR[view.level]), textTag(oneLine(view.kindLabel), 'neutral')];
  if (view.drill) tags.unshift(textTag('演练', 'neutral'));
  return {
    title: plainText(truncate(oneLine(view.title), TITLE_MAX).text || view.ref),
    subtitle: plainText(`${view.ref} · ${oneLine(view.stateLabel)}`),
    template: view.drill ? 'grey' : HEADER_TEMPLATE[view.level],
    text_tag_list: tags,
  };
}

function factsBlock(view: ItemCardView, limits: Limits): Element {
  const line = (label: string, value: string) => `**${label}**：${value}`;
  const short = (text: string) => inlineMd(truncate(oneLine(text), limits.line).text);
  const lines: string[] = [];

  const link = view.url === undefined ? undefined : safeLinkUrl(view.url);
  let source = view.sourceLabel === undefined ? '' : short(view.sourceLabel);
  if (link !== undefined) source = source ? `${source}（[查看原文](${link})）` : `[查看原文](${link})`;
  else if (view.url !== undefined && oneLine(view.url) !== '') source = [source, short(view.url)].filter(Boolean).join(' ');
  if (source) lines.push(line('来源', source));

  lines.push(line('类别', short(view.categoryLabel)));
  const discovered = short(view.discoveredAt) + (view.postedAt ? `（原帖 ${short(view.postedAt)}）` : '');
  lines.push(line('发现时间', discovered));
  if (view.spread !== undefined && oneLine(view.spread) !== '') lines.push(line('传播', short(view.spread)));
  lines.push(line('牵头单位', view.leadUnit ? short(view.leadUnit) : font('orange', '待定')));
  const coop = view.cooperatingUnits.map((u) => oneLine(u)).filter(Boolean);
  lines.push(line('配合单位', coop.length > 0 ? short(coop.join('、')) : '无'));
  if (view.leadSource !== undefined && oneLine(view.leadSource) !== '') lines.push(line('线索来源', short(view.leadSource)));
  if (view.riskAssessment !== undefined && oneLine(view.riskAssessment) !== '') lines.push(line('风险评估', short(view.riskAssessment)));
  if (view.routingNote !== undefined && oneLine(view.routingNote) !== '') {
    lines.push(font('grey', short(view.routingNote)));
  }
  return md(lines.join('\n'));
}

function summaryBlock(view: ItemCardView, limits: Limits): Element[] {
  if (view.summary === undefined || view.summary.trim() === '') return [];
  const { text, truncated } = truncate(view.summary.trim(), limits.summary);
  const parts = [`**摘要**\n${escapeMd(text)}`];
  if (truncated) parts.push(font('grey', escapeMd(truncationNote(view.ref))));
  return [md(parts.join('\n'))];
}

function clocksBlock(view: ItemCardView, limits: Limits): Element[] {
  if (view.clocks.length === 0) return [];
  const lines = view.clocks.map((clock) => {
    const detail = inlineMd(truncate(oneLine(clock.detail), limits.line).text);
    const colour = CLOCK_COLOUR[clock.status];
    const shown = colour === undefined ? detail : font(colour, detail);
    return `**${inlineMd(clock.label)}**${GAP}截止 ${inlineMd(clock.due)}${GAP}${shown}`;
  });
  return [md(['**时限**', ...lines].join('\n'))];
}

function timelinePanel(view: ItemCardView, limits: Limits): Element[] {
  const total = view.timeline.length;
  if (total === 0) return [];
  const shown = view.timeline.slice(-TIMELINE_SHOWN);
  const earlier = total - shown.length;
  const lines = shown.map((entry) => {
    const text = inlineMd(truncate(oneLine(entry.text), limits.entry).text);
    return `${inlineMd(entry.at)} · ${inlineMd(truncate(oneLine(entry.actor), 20).text)} · ${text}`;
  });
  if (earlier > 0) lines.unshift(font('grey', `更早的 ${earlier} 条记录未显示，完整记录请发送 /yq show ${escapeMd(view.ref)}`));
  return [
    {
      tag: 'collapsible_panel',
      expanded: false,
      header: {
        title: { tag: 'markdown', content: `**处理记录**（共 ${total} 条）` },
        icon: { tag: 'standard_icon', token: 'down-small-ccm_outlined', size: '16px 16px' },
        icon_position: 'right',
        icon_expanded_angle: -180,
      },
      elements: [md(lines.join('\n'))],
    },
  ];
}

function unitChoiceBlock(view: ItemCardView): Element[] {
  const units = view.unitChoices ?? [];
  if (units.length === 0) return [];
  const base = view.baseValue ?? { ref: view.ref, version: view.version };
  const shown = units.slice(0, MAX_UNIT_BUTTONS);
  const rest = units.slice(MAX_UNIT_BUTTONS);
  const out: Element[] = [md('**请县新闻办指定牵头单位**')];
  out.push(buttonRow(shown.map((u) => button(u.name, { ...base, action: 'route', unit: u.code }, 'default'))));
  if (rest.length > 0) {
    const names = rest.map((u) => inlineMd(u.name)).join('、');
    out.push(md(font('grey', `另有 ${rest.length} 个单位未列出按钮：${names}。如需指定，请发送 /yq 帮助 查看改派命令。`)));
  }
  return out;
}

function build(view: ItemCardView, limits: Limits): Record<string, unknown> {
  const elements: Element[] = [];

  const at = mentions(view.mention ?? []);
  if (at) elements.push(md(at));
  if (view.drill) elements.push(md(font('grey', '【演练】本事项为演练，不计入统计和考核。')));

  elements.push(factsBlock(view, limits));
  elements.push(...summaryBlock(view, limits));
  elements.push({ tag: 'hr' });
  elements.push(...clocksBlock(view, limits));
  if (view.nextStep !== undefined && oneLine(view.nextStep) !== '') {
    elements.push(md(`**下一步**：${inlineMd(truncate(oneLine(view.nextStep), limits.line).text)}`));
  }
  elements.push(...timelinePanel(view, limits));
  elements.push(...unitChoiceBlock(view));
  if (view.actions.length > 0) {
    elements.push(buttonRow(view.actions.map((a) => button(a.label, a.value, a.style ?? 'default', a.confirm))));
  }
  const foot = [view.footnote === undefined ? '' : inlineMd(truncate(oneLine(view.footnote), limits.line).text), `卡片版本 ${view.version}`]
    .filter(Boolean)
    .join(' · ');
  elements.push(md(font('grey', foot), { text_size: 'notation' }));

  const preview = `${view.drill ? '[演练]' : ''}[${oneLine(view.levelLabel)}] ${truncate(oneLine(view.title), TITLE_MAX).text}`;
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: preview } },
    header: header(view),
    body: { elements },
  };
}

/**
 * Build the item card. Long texts are cut with a visible note; if the card would still exceed the
 * byte budget (e.g. huge button values), texts are cut harder until it fits.
 */
export function itemCard(view: ItemCardView): Record<string, unknown> {
  let card: Record<string, unknown> = {};
  for (const limits of LIMITS) {
    card = build(view, limits);
    if (jsonBytes(card) <= ITEM_CARD_BUDGET_BYTES) return card;
  }
  return card;
}

/** Characters of the longest summary an item card shows. */
export const SUMMARY_MAX_CHARS = LIMITS[0].summary;
