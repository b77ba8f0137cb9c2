import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_LEDGER_ROWS,
  DEFAULT_MAX_OVERDUE,
  DIGEST_CARD_BUDGET_BYTES,
  digestCard,
  MAX_ITEM_BUTTONS,
  UNIT_CHART_TOP,
  type DigestCardOptions,
} from '../../cards/digest.js';
import { jsonBytes } from '../../cards/format.js';
import { shapeReport, type ReportAggregates, type ReportView } from '../../src/domain/report.js';
import { validateCard } from '../../src/lark/card-schema.js';

type Node = Record<string, unknown>;

const EXPORT_HINT = '发送“/舆情 导出 本周”获取完整表格';
const options: DigestCardOptions = { exportHint: EXPORT_HINT };

function aggregates(overrides: Partial<ReportAggregates> = {}): ReportAggregates {
  return {
    kind: 'weekly',
    periodLabel: '2026年11月23日—11月29日',
    previousLabel: '2026年11月16日—11月22日',
    scope: { kind: 'county' },
    total: 40,
    previousTotal: 30,
    byCategory: { public_interest: 20, general: 15, rumour: 5 },
    bySource: { weibo: 25, wechat: 15 },
    byLevel: { general: 38, major: 2 },
    byKind: { opinion: 30, inquiry: 10 },
    byUnit: [
      { code: 'wjw', name: '县卫健委', count: 25 },
      { code: 'jyj', name: '县教育局', count: 15 },
    ],
    stateAtEnd: { closed: 30, responded: 10 },
    clocks: [{ kind: 'ack', total: 40, metOnTime: 36, metLate: 2, missedOpen: 2, extended: 1 }],
    ledger: [
      { unitCode: 'wjw', unitName: '县卫健委', items: 25, clocksTotal: 25, clocksOnTime: 22, medianAckMinutes: 45, medianVerifyMinutes: 130, medianRespondMinutes: 1620, overdue: 2, extensions: 1, disputes: 0, leads: 1 },
    ],
    overdueItems: [
      { itemId: 7, ref: 'YQ-20261124-002', title: '某小区停水三天无人管', unitName: '县水务局', clock: 'respond', overdueMinutes: 130 },
      { itemId: 9, ref: 'YQ-20261125-004', title: '网传学校食堂问题', unitName: '县教育局', clock: 'verify', overdueMinutes: 1620 },
    ],
    overdueTotal: 2,
    notable: [{ itemId: 4, ref: 'YQ-20261123-002', title: '某路段塌陷', level: 'major', reasons: ['major', 'consulted'] }],
    notableTotal: 1,
    trend: [
      { label: '11月9日—15日', total: 20 },
      { label: '11月16日—22日', total: 30 },
      { label: '11月23日—29日', total: 40 },
    ],
    ...overrides,
  };
}

const view = (overrides: Partial<ReportAggregates> = {}): ReportView => shapeReport(aggregates(overrides));

/** Every object in the card that carries a `tag`, depth-first. */
function tagged(value: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(value)) value.forEach((v) => tagged(v, out));
  else if (typeof value === 'object' && value !== null) {
    const node = value as Node;
    if (typeof node.tag === 'string') out.push(node);
    Object.values(node).forEach((v) => tagged(v, out));
  }
  return out;
}
const ofTag = (card: unknown, tag: string) => tagged(card).filter((n) => n.tag === tag);
const allMarkdown = (card: unknown) => ofTag(card, 'markdown').map((n) => n.content as string).join('\n');
const buttons = (card: unknown) => ofTag(card, 'button');
const charts = (card: unknown) => ofTag(card, 'chart') as (Node & { aspect_ratio: string; chart_spec: Node & { data: { values: Node[] } } })[];
const chartOf = (card: unknown, type: string) => charts(card).find((c) => c.chart_spec.type === type);
const header = (card: Record<string, unknown>) => card.header as Node & { title: Node; subtitle: Node; template: string };
const buttonValue = (b: Node) => ((b.behaviors as Node[])[0] as Node).value as Node;
/** Distinct refs of the form YQ-<day>-<n> shown in bold in the card's markdown. */
const refsShown = (card: unknown, day: string) => new Set(allMarkdown(card).match(new RegExp(`\\*\\*YQ-${day}-\\d+\\*\\*`, 'gu')) ?? []).size;

function expectValidCard(card: unknown): void {
  const result = validateCard(card);
  expect(result.ok ? [] : result.errors).toEqual([]);
}

/** Worst case: about 22 fixed components plus 6 per entry row with a button (column_set, 2 columns, markdown, button, text). */
const MAX_COMPONENTS_USED = 150;

const LONG = '标题很长'.repeat(250); // 1000 characters

function huge(): ReportAggregates {
  const units = Array.from({ length: 300 }, (_, i) => ({ code: `u${i}`, name: `${'很长的单位名称'.repeat(10)}${i}`, count: 300 - i }));
  return aggregates({
    total: 45_150,
    byUnit: units,
    ledger: units.map((u, i) => ({
      unitCode: u.code,
      unitName: u.name,
      items: u.count,
      clocksTotal: 100,
      clocksOnTime: i % 100,
      medianAckMinutes: 45,
      medianVerifyMinutes: 130,
      medianRespondMinutes: 1620,
      overdue: i,
      extensions: 1,
      disputes: 2,
      leads: 3,
    })),
    overdueItems: Array.from({ length: 5000 }, (_, i) => ({
      itemId: i + 1,
      ref: `YQ-20261101-${i + 1}`,
      title: `${LONG}**加粗** <at id=all></at>`,
      unitName: units[i % 300]?.name ?? '',
      clock: 'respond',
      overdueMinutes: 10_000 - i,
    })),
    overdueTotal: 5000,
    notable: Array.from({ length: 500 }, (_, i) => ({
      itemId: 100_000 + i,
      ref: `YQ-20261102-${i + 1}`,
      title: LONG,
      level: 'major',
      reasons: ['major', 'consulted', 'rumour', 'reopened'],
    })),
    notableTotal: 500,
    trend: Array.from({ length: 30 }, (_, i) => ({ label: `第${i + 1}周`, total: 1000 + i })),
  });
}

describe('digestCard: structure', () => {
  it('builds a valid card JSON 2.0', () => {
    const card = digestCard(view(), options);
    expect(card.schema).toBe('2.0');
    expectValidCard(card);
  });

  it('names the report in the header with the period as subtitle; red when anything is overdue', () => {
    const card = digestCard(view(), options);
    expect(header(card).title.content).toBe('舆情周报');
    expect(header(card).subtitle.content).toBe('2026年11月23日—11月29日');
    expect(header(card).template).toBe('red');
  });

  it('is blue with nothing overdue and says so', () => {
    const card = digestCard(view({ overdueItems: [], overdueTotal: 0 }), options);
    expect(header(card).template).toBe('blue');
    expect(allMarkdown(card)).toContain('**超时事项**：无');
    expect(buttons(card).every((b) => buttonValue(b).item !== 7)).toBe(true);
    expectValidCard(card);
  });

  it('opens with the headline in large text, then the highlights', () => {
    const v = view();
    const [first, second, third] = (digestCard(v, options).body as { elements: Node[] }).elements;
    expect(first).toEqual({ tag: 'markdown', content: `**${v.headline}**`, text_size: 'heading-4' });
    expect(second?.content).toBe("<font color='grey'>上期 2026年11月16日—11月22日：30 件</font>");
    expect(third?.content).toBe(v.highlights.map((h) => `- ${h}`).join('\n'));
    expect(v.highlights.length).toBeGreaterThanOrEqual(3);
  });

  it('shows the per-clock lines and the ledger with formatted medians', () => {
    const text = allMarkdown(digestCard(view(), options));
    expect(text).toContain("**认领**\u3000按时 36/40（90%） · <font color='orange'>超时完成 2</font> · <font color='red'>超时未完成 2</font> · 延期 1");
    expect(text).toContain('**县卫健委** 按时率 88%（22/25） · 超时 2 · 延期 1 · 异议 0 · 报送线索 1');
    expect(text).toContain('认领 45分钟 · 核实 2小时10分 · 回应 1天3小时');
  });

  it('lists overdue items longest first with ref, title, unit, clock and duration', () => {
    const text = allMarkdown(digestCard(view(), options));
    const first = "**YQ-20261125-004** 网传学校食堂问题\n县教育局 · 核实 · <font color='red'>超时 1天3小时</font>";
    const second = "**YQ-20261124-002** 某小区停水三天无人管\n县水务局 · 回应 · <font color='red'>超时 2小时10分</font>";
    expect(text).toContain(first);
    expect(text).toContain(second);
    expect(text.indexOf(first)).toBeLessThan(text.indexOf(second));
    expect(text).not.toContain('另有');
  });

  it('gives each overdue and notable entry a button that opens the item', () => {
    const card = digestCard(view(), options);
    expect(buttons(card).map(buttonValue)).toEqual([
      { action: 'show_item', item: 9 },
      { action: 'show_item', item: 7 },
      { action: 'show_item', item: 4 },
    ]);
  });

  it('names the report for a unit and leaves out the unit chart', () => {
    const card = digestCard(view({ scope: { kind: 'unit', unitCode: 'wjw', unitName: '县卫健委' } }), options);
    expect(header(card).title.content).toBe('县卫健委舆情周报');
    expect(charts(card).map((c) => c.chart_spec.type)).toEqual(['pie', 'line']);
    expectValidCard(card);
  });
});

describe('digestCard: charts', () => {
  it('has a unit bar chart, a category pie and a trend line with the report data', () => {
    const card = digestCard(view(), options);
    expect(charts(card).map((c) => [c.chart_spec.type, c.aspect_ratio])).toEqual([
      ['bar', '4:3'],
      ['pie', '4:3'],
      ['line', '16:9'],
    ]);
    const bar = chartOf(card, 'bar')?.chart_spec;
    expect(bar?.data.values).toEqual([
      { unit: '县卫健委', count: 25 },
      { unit: '县教育局', count: 15 },
    ]);
    expect([bar?.xField, bar?.yField]).toEqual(['count', 'unit']);
    const pie = chartOf(card, 'pie')?.chart_spec;
    expect(pie?.data.values).toEqual([
      { category: '涉及公众切身利益', count: 20 },
      { category: '一般', count: 15 },
      { category: '造谣传谣', count: 5 },
    ]);
    expect([pie?.categoryField, pie?.valueField]).toEqual(['category', 'count']);
    const line = chartOf(card, 'line')?.chart_spec;
    expect(line?.data.values).toEqual([
      { period: '11月9日—15日', total: 20 },
      { period: '11月16日—22日', total: 30 },
      { period: '11月23日—29日', total: 40 },
    ]);
    expect([line?.xField, line?.yField]).toEqual(['period', 'total']);
    for (const c of charts(card)) expect((c.chart_spec.title as Node).text).toEqual(expect.any(String));
  });

  it('specs are plain JSON (no functions, nothing lost in serialisation)', () => {
    const card = digestCard(shapeReport(huge()), options);
    expect(charts(card)).toHaveLength(3);
    for (const c of charts(card)) expect(JSON.parse(JSON.stringify(c.chart_spec))).toEqual(c.chart_spec);
  });

  it('keeps the top units and sums the rest into one 其他 bar', () => {
    const card = digestCard(shapeReport(huge()), options);
    const values = chartOf(card, 'bar')?.chart_spec.data.values ?? [];
    expect(values).toHaveLength(UNIT_CHART_TOP + 1);
    const rest = Array.from({ length: 290 }, (_, i) => 290 - i).reduce((a, b) => a + b, 0);
    expect(values.at(-1)).toEqual({ unit: '其他 290 个单位', count: rest });
    expect(values[0]?.count).toBe(300);
  });

  it('shows the last 12 periods of a long trend and says so', () => {
    const spec = chartOf(digestCard(shapeReport(huge()), options), 'line')?.chart_spec;
    expect(spec?.data.values).toHaveLength(12);
    expect(spec?.data.values.at(-1)).toEqual({ period: '第30周', total: 1029 });
    expect((spec?.title as Node).text).toBe('近 12 期事项数');
  });

  it('leaves out the trend with fewer than two points and the unit and category charts when empty', () => {
    expect(charts(digestCard(view({ trend: [{ label: '本周', total: 40 }] }), options)).map((c) => c.chart_spec.type)).toEqual(['bar', 'pie']);
    const empty = digestCard(view({ total: 0, byCategory: {}, byUnit: [], trend: [] }), options);
    expect(charts(empty)).toEqual([]);
    expectValidCard(empty);
  });
});

describe('digestCard: limits', () => {
  it('stays valid and under 30 KB with 5,000 overdue items, 300 units and long titles', () => {
    const card = digestCard(shapeReport(huge()), options);
    expectValidCard(card);
    expect(jsonBytes(card)).toBeLessThanOrEqual(DIGEST_CARD_BUDGET_BYTES);
  });

  it('says how many overdue items, units and notable items are not shown, and where to find them', () => {
    const card = digestCard(shapeReport(huge()), options);
    const text = allMarkdown(card);
    const overdue = refsShown(card, '20261101');
    const notable = refsShown(card, '20261102');
    expect(overdue).toBe(DEFAULT_MAX_OVERDUE);
    expect(notable).toBe(10);
    expect(text).toContain(`另有 ${5000 - overdue} 条超时事项，见导出。${EXPORT_HINT}`);
    expect(text).toContain(`另有 ${500 - notable} 件重点事项，见导出。`);
    expect(text).toContain(`另有 ${300 - DEFAULT_MAX_LEDGER_ROWS} 个单位，见导出。`);
    expect(text).toContain('（共 5000 条，按超时时长排序）');
  });

  it('counts overdue items the SQL side did not send', () => {
    const text = allMarkdown(digestCard(view({ overdueTotal: 40 }), options));
    expect(text).toContain('另有 38 条超时事项，见导出');
    expect(text).toContain('共 40 条');
  });

  it('honours maxOverdue and maxLedgerRows', () => {
    const card = digestCard(shapeReport(huge()), { exportHint: EXPORT_HINT, maxOverdue: 3, maxLedgerRows: 5 });
    expect(refsShown(card, '20261101')).toBe(3);
    expect(allMarkdown(card)).toContain('另有 4997 条超时事项');
    expect(allMarkdown(card)).toContain('另有 295 个单位');
  });

  it('cuts long titles with an ellipsis', () => {
    const text = allMarkdown(digestCard(shapeReport(huge()), options));
    expect(text).toContain(`**YQ-20261101-1** ${'标题很长'.repeat(10).slice(0, 39)}…`);
    expect(text).not.toContain(LONG);
  });

  it.each([
    [{}, MAX_ITEM_BUTTONS],
    [{ maxOverdue: 100, maxNotable: 100 }, MAX_ITEM_BUTTONS],
    [{ maxOverdue: 2, maxNotable: 3 }, 5],
  ])('never has more than %o → %d open-item buttons; the rest are listed without one', (limits, expected) => {
    const card = digestCard(shapeReport(huge()), { exportHint: EXPORT_HINT, ...limits });
    expect(buttons(card)).toHaveLength(expected);
    expectValidCard(card);
    const result = validateCard(card);
    expect(result.ok && result.components).toBeLessThanOrEqual(MAX_COMPONENTS_USED);
  });

  it('lists entries past the button budget as plain lines, so none is dropped', () => {
    const card = digestCard(shapeReport(huge()), { exportHint: EXPORT_HINT, maxOverdue: 30 });
    expect(refsShown(card, '20261101')).toBe(30);
    expect(buttons(card).map((b) => buttonValue(b).item)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(allMarkdown(card)).toContain('另有 4970 条超时事项');
    expect(allMarkdown(card)).toContain('另有 490 件重点事项'); // 10 shown, without buttons: none left
    expect(refsShown(card, '20261102')).toBe(10);
  });

  it('shrinks rows and texts, with the notes, when a huge export hint would burst the budget', () => {
    const card = digestCard(shapeReport(huge()), { exportHint: 'x'.repeat(5000) });
    expectValidCard(card);
    const shown = refsShown(card, '20261101');
    expect(shown).toBeLessThan(DEFAULT_MAX_OVERDUE);
    expect(allMarkdown(card)).toContain(`另有 ${5000 - shown} 条超时事项，见导出`);
  });
});

describe('digestCard: escaping', () => {
  it('escapes titles and unit names so they cannot format, link or mention', () => {
    const card = digestCard(
      view({
        overdueItems: [
          { itemId: 1, ref: 'YQ-20261124-009', title: '**加粗** <at id=all></at> _斜_ #标题', unitName: '<at id=all>单位', clock: 'ack', overdueMinutes: 5 },
        ],
        overdueTotal: 1,
        notable: [{ itemId: 2, ref: 'YQ-20261124-010', title: '[链接](https://evil.example)', level: 'major', reasons: ['rumour'] }],
        notableTotal: 1,
        ledger: [{ ...aggregates().ledger[0]!, unitName: '**单**<at id=all>' }],
      }),
      options,
    );
    const json = JSON.stringify(card);
    expect(json).not.toContain('<at');
    const text = allMarkdown(card);
    expect(text).not.toMatch(/(?<!\\)\]\(https:\/\/evil/u); // no unescaped link
    expect(text).toContain('**YQ-20261124-009** \\*\\*加粗\\*\\* ＜at id=all＞＜/at＞ \\_斜\\_ \\#标题\n');
    expect(text).toContain('**YQ-20261124-010** \\[链接\\](https://evil.example)\n');
    expect(text).toContain('\n＜at id=all＞单位 · 认领 · ');
    expect(text).toContain('**\\*\\*单\\*\\*＜at id=all＞** 按时率');
    expectValidCard(card);
  });
});
