import type { BreakdownRow, NotableRow, OverdueRow, ReportView } from '../src/domain/report.js';
import { font, inlineMd, jsonBytes, oneLine, plainText, truncate } from './format.js';

/**
 * The digest card (R13, R14): one card JSON 2.0 per report. Written for a leader reading on a
 * phone: the headline sentence first (ten seconds), then a few bullets, then up to three charts,
 * then detail — clocks, the overdue list with a button per item, notable items, and the per-unit
 * ledger folded away. Pure: a ReportView in, card JSON out.
 *
 * Limits: whatever the period holds (thousands of items, hundreds of units), the card shows a
 * bounded number of rows and says how many more there are and where to get them (the export);
 * nothing is dropped without a note. Lists are plain markdown lines, not markdown tables: Lark
 * pages a table after five rows and squeezes it on a phone.
 */

export interface DigestCardOptions {
  /** Where the full data is, e.g. 发送“/舆情 导出 本周”获取完整表格. */
  exportHint: string;
  /** Overdue entries shown (default 15). */
  maxOverdue?: number;
  /** Ledger rows shown (default 12). */
  maxLedgerRows?: number;
  /** Notable entries shown (default 10). */
  maxNotable?: number;
}

export const DEFAULT_MAX_OVERDUE = 15;
export const DEFAULT_MAX_LEDGER_ROWS = 12;
export const DEFAULT_MAX_NOTABLE = 10;
/** Open-item buttons across the whole card; entries past this are listed without a button. */
export const MAX_ITEM_BUTTONS = 20;
/** Bars in the unit chart; the rest are summed into one 其他 bar. */
export const UNIT_CHART_TOP = 10;
/** Points in the trend chart (the most recent ones; the chart title says how many). */
export const TREND_MAX_POINTS = 12;
/** Size the builder aims under, leaving headroom below Lark's 30 KB for transport wrapping. */
export const DIGEST_CARD_BUDGET_BYTES = 29 * 1024;

/** Text limits and row counts, loosest first; the first level whose card fits the budget wins. */
const LEVELS = [
  { title: 40, name: 16, rows: 1 },
  { title: 24, name: 12, rows: 0.5 },
  { title: 14, name: 8, rows: 0.25 },
] as const;
type Level = (typeof LEVELS)[number];

type Element = Record<string, unknown>;

const GAP = '\u3000';

function md(content: string, extra: Element = {}): Element {
  return { tag: 'markdown', content, ...extra };
}

function grey(text: string): string {
  return font('grey', text);
}

/** User or org text inside one markdown line: one line, cut to `max`, escaped. */
function cut(text: string, max: number): string {
  return inlineMd(truncate(oneLine(text), max).text);
}

function limit(value: number | undefined, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.max(0, Math.floor(value));
}

function scaled(max: number, level: Level): number {
  return max === 0 ? 0 : Math.max(1, Math.floor(max * level.rows));
}

// ---------------------------------------------------------------------------------------------
// Charts (VChart specs, plain JSON: no functions)

function chart(aspect: '16:9' | '4:3', spec: Element): Element {
  return { tag: 'chart', aspect_ratio: aspect, color_theme: 'brand', chart_spec: spec };
}

/** Top UNIT_CHART_TOP units by count, then one bar summing the rest. */
export function unitChartValues(units: readonly BreakdownRow[], nameMax = 12): { unit: string; count: number }[] {
  const top = units.slice(0, UNIT_CHART_TOP).map((u) => ({ unit: truncate(oneLine(u.label), nameMax).text || u.code, count: u.count }));
  const rest = units.slice(UNIT_CHART_TOP);
  if (rest.length > 0) top.push({ unit: `其他 ${rest.length} 个单位`, count: rest.reduce((s, u) => s + u.count, 0) });
  return top;
}

function charts(view: ReportView, level: Level): Element[] {
  const out: Element[] = [];
  if (view.scope.kind === 'county' && view.byUnit.length > 0) {
    out.push(
      chart('4:3', {
        type: 'bar',
        direction: 'horizontal',
        data: { values: unitChartValues(view.byUnit, level.name) },
        xField: 'count',
        yField: 'unit',
        // Items are whole: no 0.2, 0.4 … ticks on a small count.
        axes: [{ orient: 'bottom', type: 'linear', tick: { noDecimals: true } }],
        label: { visible: true },
        title: { text: '各单位牵头事项' },
      }),
    );
  }
  if (view.byCategory.length > 0) {
    out.push(
      chart('4:3', {
        type: 'pie',
        data: { values: view.byCategory.map((c) => ({ category: c.label, count: c.count })) },
        categoryField: 'category',
        valueField: 'count',
        innerRadius: 0.5,
        outerRadius: 0.8,
        label: { visible: true },
        legends: { visible: true, orient: 'bottom' },
        title: { text: '事项类别' },
      }),
    );
  }
  if (view.trend.length >= 2) {
    const points = view.trend.slice(-TREND_MAX_POINTS);
    out.push(
      chart('16:9', {
        type: 'line',
        data: { values: points.map((p) => ({ period: truncate(oneLine(p.label), level.name).text, total: p.total })) },
        xField: 'period',
        yField: 'total',
        axes: [{ orient: 'left', type: 'linear', tick: { noDecimals: true } }],
        point: { visible: true },
        label: { visible: true },
        title: { text: `近 ${points.length} 期事项数` },
      }),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sections

function summaryBlock(view: ReportView): Element[] {
  const out: Element[] = [md(`**${inlineMd(view.headline)}**`, { text_size: 'heading-4' })];
  if (view.previousLabel !== undefined && view.change.previous !== undefined) {
    out.push(md(grey(`上期 ${inlineMd(view.previousLabel)}：${view.change.previous} 件`), { text_size: 'notation' }));
  }
  if (view.highlights.length > 0) out.push(md(view.highlights.map((h) => `- ${inlineMd(h)}`).join('\n')));
  return out;
}

function breakdownLine(title: string, rows: readonly BreakdownRow[], level: Level, max = 6): string | undefined {
  if (rows.length === 0) return undefined;
  const shown = rows.slice(0, max).map((r) => `${cut(r.label, level.name)} ${r.count}`);
  if (rows.length > max) shown.push(`其他 ${rows.slice(max).reduce((s, r) => s + r.count, 0)}`);
  return `**${title}**：${shown.join(' · ')}`;
}

function breakdownBlock(view: ReportView, level: Level): Element[] {
  const lines = [
    breakdownLine('级别', view.byLevel, level),
    breakdownLine('类型', view.byKind, level),
    breakdownLine('来源', view.bySource, level),
    breakdownLine('期末状态', view.stateAtEnd, level, 11),
  ].filter((l): l is string => l !== undefined);
  return lines.length === 0 ? [] : [md(lines.join('\n'))];
}

function clocksBlock(view: ReportView): Element[] {
  if (view.clocks.length === 0) return [];
  const lines = view.clocks.map((c) => {
    const late = c.metLate + c.missedOpen;
    const parts = [`按时 ${c.metOnTime}/${c.metOnTime + late}（${c.onTimeText}）`];
    if (c.metLate > 0) parts.push(font('orange', `超时完成 ${c.metLate}`));
    if (c.missedOpen > 0) parts.push(font('red', `超时未完成 ${c.missedOpen}`));
    if (c.extended > 0) parts.push(`延期 ${c.extended}`);
    if (c.running > 0) parts.push(grey(`未到期 ${c.running}`));
    return `**${inlineMd(c.label)}**${GAP}${parts.join(' · ')}`;
  });
  return [md([`**时限完成情况**（总按时率 ${view.clocksOverall.onTimeText}）`, ...lines].join('\n'))];
}

function moreNote(text: string, exportHint: string): Element {
  const hint = oneLine(exportHint);
  return md(grey(inlineMd(hint === '' ? `${text}。` : `${text}。${hint}`)), { text_size: 'notation' });
}

interface Entry {
  itemId: number;
  line: string;
}

/** One row per entry with an open-item button while the shared budget lasts; plain lines after that. */
function entryRows(entries: readonly Entry[], budget: { buttons: number }): Element[] {
  const out: Element[] = [];
  let plain: string[] = [];
  const flush = () => {
    if (plain.length > 0) out.push(md(plain.join('\n')));
    plain = [];
  };
  for (const e of entries) {
    if (budget.buttons <= 0) {
      plain.push(e.line);
      continue;
    }
    budget.buttons -= 1;
    flush();
    out.push({
      tag: 'column_set',
      flex_mode: 'none',
      horizontal_spacing: 'small',
      columns: [
        { tag: 'column', width: 'weighted', weight: 4, vertical_align: 'center', elements: [md(e.line)] },
        {
          tag: 'column',
          width: 'auto',
          vertical_align: 'center',
          elements: [
            {
              tag: 'button',
              text: plainText('查看'),
              type: 'default',
              size: 'small',
              behaviors: [{ type: 'callback', value: { action: 'show_item', item: e.itemId } }],
            },
          ],
        },
      ],
    });
  }
  flush();
  return out;
}

function overdueLine(o: OverdueRow, level: Level): string {
  return [
    `**${cut(o.ref, 40)}** ${cut(o.title, level.title)}`,
    `${cut(o.unitName, level.name)} · ${inlineMd(o.clockLabel)} · ${font('red', `超时 ${o.overdueText}`)}`,
  ].join('\n');
}

function overdueBlock(view: ReportView, options: DigestCardOptions, level: Level, budget: { buttons: number }): Element[] {
  if (view.overdueTotal === 0) return [md(font('green', '**超时事项**：无'))];
  const max = scaled(limit(options.maxOverdue, DEFAULT_MAX_OVERDUE), level);
  const shown = view.overdue.slice(0, max);
  const out: Element[] = [md(`**${font('red', '超时未办')}**（共 ${view.overdueTotal} 条，按超时时长排序）`)];
  out.push(...entryRows(shown.map((o) => ({ itemId: o.itemId, line: overdueLine(o, level) })), budget));
  const hidden = view.overdueTotal - shown.length;
  if (hidden > 0) out.push(moreNote(`另有 ${hidden} 条超时事项，见导出`, options.exportHint));
  return out;
}

function notableLine(n: NotableRow, level: Level): string {
  const why = [n.levelLabel, ...n.reasonLabels.filter((r) => r !== '重大及以上')].map((t) => inlineMd(t)).join(' · ');
  return `**${cut(n.ref, 40)}** ${cut(n.title, level.title)}\n${grey(why)}`;
}

function notableBlock(view: ReportView, options: DigestCardOptions, level: Level, budget: { buttons: number }): Element[] {
  if (view.notableTotal === 0) return [];
  const max = scaled(limit(options.maxNotable, DEFAULT_MAX_NOTABLE), level);
  const shown = view.notable.slice(0, max);
  const out: Element[] = [md(`**重点关注**（共 ${view.notableTotal} 件）`)];
  out.push(...entryRows(shown.map((n) => ({ itemId: n.itemId, line: notableLine(n, level) })), budget));
  const hidden = view.notableTotal - shown.length;
  if (hidden > 0) out.push(moreNote(`另有 ${hidden} 件重点事项，见导出`, options.exportHint));
  return out;
}

function ledgerBlock(view: ReportView, options: DigestCardOptions, level: Level): Element[] {
  if (view.ledger.length === 0) return [];
  const max = scaled(limit(options.maxLedgerRows, DEFAULT_MAX_LEDGER_ROWS), level);
  const shown = view.ledger.slice(0, max);
  const lines = shown.map((u) => {
    const rate = u.onTimeRate === null ? u.onTimeText : `${u.onTimeText}（${u.clocksOnTime}/${u.clocksTotal}）`;
    const first = [`**${cut(u.unitName, level.name)}** 按时率 ${rate}`, `超时 ${u.overdue}`, `延期 ${u.extensions}`, `异议 ${u.disputes}`, `报送线索 ${u.leads}`];
    const second = `事项 ${u.items} · 认领 ${u.medianAck} · 核实 ${u.medianVerify} · 回应 ${u.medianRespond}`;
    return `${first.join(' · ')}\n${grey(second)}`;
  });
  const elements: Element[] = [md(lines.join('\n'))];
  const hidden = view.ledger.length - shown.length;
  if (hidden > 0) elements.push(moreNote(`另有 ${hidden} 个单位，见导出`, options.exportHint));
  return [
    {
      tag: 'collapsible_panel',
      expanded: false,
      header: {
        title: { tag: 'markdown', content: `**单位时效台账**（${view.ledger.length} 个单位，按时率从低到高；时长为中位数）` },
        icon: { tag: 'standard_icon', token: 'down-small-ccm_outlined', size: '16px 16px' },
        icon_position: 'right',
        icon_expanded_angle: -180,
      },
      elements,
    },
  ];
}

function build(view: ReportView, options: DigestCardOptions, level: Level): Record<string, unknown> {
  const budget = { buttons: MAX_ITEM_BUTTONS };
  const elements: Element[] = [
    ...summaryBlock(view),
    ...charts(view, level),
    ...breakdownBlock(view, level),
    { tag: 'hr' },
    ...clocksBlock(view),
    ...overdueBlock(view, options, level, budget),
    ...notableBlock(view, options, level, budget),
    ...ledgerBlock(view, options, level),
  ];
  const hint = oneLine(options.exportHint);
  elements.push(md(grey(inlineMd(['演练事项不计入统计', hint].filter(Boolean).join(' · '))), { text_size: 'notation' }));

  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: truncate(oneLine(`${view.name}：${view.headline}`), 120).text } },
    header: {
      title: plainText(truncate(oneLine(view.name), 40).text),
      subtitle: plainText(truncate(oneLine(view.periodLabel), 60).text),
      template: view.overdueTotal > 0 ? 'red' : 'blue',
    },
    body: { elements },
  };
}

/**
 * Build the digest card. Rows are capped by the options and every cap is announced with a
 * 「另有 N …，见导出」 note; if the card would still exceed the byte budget, texts are cut and
 * row counts reduced (still with the notes) until it fits.
 */
export function digestCard(view: ReportView, options: DigestCardOptions): Record<string, unknown> {
  let card: Record<string, unknown> = {};
  for (const level of LEVELS) {
    card = build(view, options, level);
    if (jsonBytes(card) <= DIGEST_CARD_BUDGET_BYTES) return card;
  }
  return card;
}
