import { describe, expect, it } from 'vitest';
import {
  changeOf,
  formatMinutes,
  labelOf,
  medianOfHistogram,
  percent,
  shapeReport,
  type ReportAggregates,
  type ReportKind,
} from '../../src/domain/report.js';

function aggregates(overrides: Partial<ReportAggregates> = {}): ReportAggregates {
  return {
    kind: 'weekly',
    periodLabel: '2026年11月23日—11月29日',
    previousLabel: '2026年11月16日—11月22日',
    scope: { kind: 'county' },
    total: 132,
    previousTotal: 120,
    byCategory: { public_interest: 60, general: 40, rumour: 20, emergency: 12 },
    bySource: { weibo: 50, wechat: 40, douyin: 30, unknown: 12 },
    byLevel: { general: 126, major: 5, critical: 1 },
    byKind: { opinion: 100, inquiry: 32 },
    byUnit: [
      { code: 'wjw', name: '县卫健委', count: 30 },
      { code: 'jyj', name: '县教育局', count: 44 },
      { code: 'qsz', name: '青松镇', count: 10 },
    ],
    stateAtEnd: { closed: 100, responded: 20, dispatched: 12 },
    clocks: [
      { kind: 'respond', total: 100, metOnTime: 80, metLate: 5, missedOpen: 5, extended: 2 },
      { kind: 'ack', total: 132, metOnTime: 120, metLate: 2, missedOpen: 0, extended: 0 },
    ],
    ledger: [
      { unitCode: 'wjw', unitName: '县卫健委', items: 30, clocksTotal: 60, clocksOnTime: 54, medianAckMinutes: 45, medianVerifyMinutes: 130, medianRespondMinutes: 1620, overdue: 2, extensions: 1, disputes: 0, leads: 3 },
      { unitCode: 'jyj', unitName: '县教育局', items: 44, clocksTotal: 80, clocksOnTime: 78, medianAckMinutes: 20, medianVerifyMinutes: null, medianRespondMinutes: 300, overdue: 0, extensions: 0, disputes: 1, leads: 0 },
    ],
    overdueItems: [
      { itemId: 7, ref: 'YQ-20261124-002', title: '某小区停水三天无人管', unitName: '县水务局', clock: 'respond', overdueMinutes: 130 },
      { itemId: 9, ref: 'YQ-20261125-004', title: '网传学校食堂问题', unitName: '县教育局', clock: 'verify', overdueMinutes: 1620 },
    ],
    overdueTotal: 2,
    notable: [
      { itemId: 3, ref: 'YQ-20261123-001', title: '谣言：某镇发生疫情', level: 'general', reasons: ['rumour'] },
      { itemId: 4, ref: 'YQ-20261123-002', title: '某路段塌陷', level: 'critical', reasons: ['major', 'consulted'] },
    ],
    notableTotal: 2,
    trend: [
      { label: '11月9日—15日', total: 90 },
      { label: '11月16日—22日', total: 120 },
      { label: '11月23日—29日', total: 132 },
    ],
    ...overrides,
  };
}

const noClocks: Partial<ReportAggregates> = { clocks: [] };

describe('percent and formatters', () => {
  it.each([
    [0, 0, null],
    [5, 0, null],
    [1, -1, null],
    [0, 10, 0],
    [1, 3, 33],
    [2, 3, 67],
    [1, 300, 1], // never 0% when something counts
    [299, 300, 99], // never 100% when something is missing
    [300, 300, 100],
    [30, 10, 300],
  ])('percent(%d, %d) = %s', (n, d, expected) => {
    expect(percent(n, d)).toBe(expected);
  });

  it.each([
    [null, '—'],
    [Number.NaN, '—'],
    [-5, '0分钟'],
    [0, '0分钟'],
    [45, '45分钟'],
    [59.4, '59分钟'],
    [59.6, '1小时'],
    [60, '1小时'],
    [130, '2小时10分'],
    [1439, '23小时59分'],
    [1440, '1天'],
    [1620, '1天3小时'],
    [1679, '1天3小时'], // minutes dropped once it runs to days
    [4 * 1440 + 23 * 60, '4天23小时'],
  ])('formatMinutes(%s) = %s', (minutes, expected) => {
    expect(formatMinutes(minutes)).toBe(expected);
  });
});

describe('median of a histogram (the rollups keep minutes as value → count)', () => {
  /** The median of the values written out, the long way. */
  const naive = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = (sorted.length - 1) / 2;
    return (sorted[Math.floor(middle)]! + sorted[Math.ceil(middle)]!) / 2;
  };
  const histogramOf = (values: number[]) => values.reduce((map, v) => map.set(v, (map.get(v) ?? 0) + 1), new Map<number, number>());

  it('is null for no values and the value itself for one', () => {
    expect(medianOfHistogram(new Map())).toBeNull();
    expect(medianOfHistogram(new Map([[45, 0]]))).toBeNull();
    expect(medianOfHistogram(new Map([[45, 1]]))).toBe(45);
  });

  it('takes the middle value of an odd count and halves the two middle ones of an even count', () => {
    expect(medianOfHistogram(new Map([[10, 2], [30, 1]]))).toBe(10);
    expect(medianOfHistogram(new Map([[30, 1], [10, 1]]))).toBe(20);
    expect(medianOfHistogram(new Map([[10, 1], [20, 1], [90, 2]]))).toBe(55);
  });

  it('equals the median of the values written out, for many random samples', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let run = 0; run < 200; run += 1) {
      const values = Array.from({ length: 1 + (next() % 40) }, () => next() % 25);
      expect(medianOfHistogram(histogramOf(values)), values.join(',')).toBe(naive(values));
    }
  });
});

describe('change against the previous period', () => {
  it.each([
    [10, undefined, '', undefined, null],
    [0, undefined, '', undefined, null],
    [10, 10, '持平', 0, 0],
    [0, 0, '持平', 0, null],
    [5, 0, '+5（上期为 0）', 5, null],
    [0, 5, '−5（−100%）', -5, 100],
    [132, 120, '+12（+10%）', 12, 10],
    [108, 120, '−12（−10%）', -12, 10],
    [1001, 1000, '+1（+1%）', 1, 1],
    [1999, 1000, '+999（+99%）', 999, 99],
    [3000, 1000, '+2000（+200%）', 2000, 200],
  ])('total %d, previous %s → %s', (total, previous, text, delta, pct) => {
    const change = changeOf(total, previous);
    expect(change.text).toBe(text);
    expect(change.delta).toBe(delta);
    expect(change.percent).toBe(pct);
  });

  it.each([
    [{ previousTotal: 120 }, '本周登记事项 132 件，较上周 +12（+10%）'],
    [{ previousTotal: 132 }, '本周登记事项 132 件，较上周 持平'],
    [{ previousTotal: 150 }, '本周登记事项 132 件，较上周 −18（−12%）'],
    [{ previousTotal: 0 }, '本周登记事项 132 件，较上周 +132（上期为 0）'],
    [{ previousTotal: undefined }, '本周登记事项 132 件；'],
    [{ total: 0, previousTotal: 0 }, '本周未登记事项，较上周 持平'],
  ] as [Partial<ReportAggregates>, string][])('headline starts with the change: %o', (overrides, start) => {
    expect(shapeReport(aggregates(overrides)).headline.startsWith(start)).toBe(true);
  });

  it.each([
    ['daily', '当日', '前一日'],
    ['weekly', '本周', '上周'],
    ['monthly', '本月', '上月'],
    ['custom', '本期', '上期'],
  ] as [ReportKind, string, string][])('%s reports name their own period', (kind, now, before) => {
    expect(shapeReport(aggregates({ kind })).headline).toMatch(new RegExp(`^${now}登记事项 132 件，较${before} `));
  });
});

describe('headline', () => {
  it('says how many are major or critical, how many are overdue, and the on-time rate', () => {
    const view = shapeReport(aggregates());
    // clocks: on time 80 + 120 = 200 of decided 90 + 122 = 212 → 94%
    expect(view.headline).toBe('本周登记事项 132 件，较上周 +12（+10%）；特别重大 1 件、重大 5 件；仍有 2 条超时未办；时限按时率 94%。');
  });

  it('counts major and critical together and says when nothing is overdue', () => {
    const view = shapeReport(aggregates({ byLevel: { general: 130, major: 2 }, overdueItems: [], overdueTotal: 0 }));
    expect(view.majorCount).toBe(2);
    expect(view.criticalCount).toBe(0);
    expect(view.headline).toContain('；重大 2 件；无超时未办；');
  });

  it('uses the SQL overdue total, not the number of rows it sent', () => {
    expect(shapeReport(aggregates({ overdueTotal: 57 })).headline).toContain('仍有 57 条超时未办');
    expect(shapeReport(aggregates({ overdueTotal: 0 })).overdueTotal).toBe(2); // never less than the rows
  });

  it('shows — for the rate when no clock has come due', () => {
    const view = shapeReport(aggregates(noClocks));
    expect(view.clocksOverall.onTimeRate).toBeNull();
    expect(view.headline.endsWith('时限按时率 —。')).toBe(true);
  });

  it('speaks of led items for a unit', () => {
    const view = shapeReport(aggregates({ scope: { kind: 'unit', unitCode: 'wjw', unitName: '县卫健委' } }));
    expect(view.headline.startsWith('本周牵头事项 132 件')).toBe(true);
  });
});

describe('title', () => {
  it.each([
    ['daily', '舆情日志'],
    ['weekly', '舆情周报'],
    ['monthly', '舆情月报'],
    ['custom', '舆情报告'],
  ] as [ReportKind, string][])('%s county report is %s', (kind, name) => {
    const view = shapeReport(aggregates({ kind, periodLabel: '某期' }));
    expect(view.name).toBe(name);
    expect(view.title).toBe(`${name} · 某期`);
  });

  it.each([
    ['weekly', '县卫健委', '县卫健委舆情周报 · 2026年11月23日—11月29日'],
    ['monthly', '青松镇', '青松镇舆情月报 · 2026年11月23日—11月29日'],
    ['daily', '', 'x01舆情日志 · 2026年11月23日—11月29日'], // no name: the code
  ] as [ReportKind, string, string][])('%s unit report for %s is prefixed with the unit', (kind, unitName, title) => {
    const view = shapeReport(aggregates({ kind, scope: { kind: 'unit', unitCode: 'x01', unitName } }));
    expect(view.title).toBe(title);
  });
});

describe('labels', () => {
  it.each([
    ['category', 'public_interest', '涉及公众切身利益'],
    ['category', 'rumour', '造谣传谣'],
    ['category', 'weird_code', 'weird_code'],
    ['category', 'toString', 'toString'], // not a prototype property
    ['source', 'weibo', '微博'],
    ['source', 'news_comments', '新闻跟帖'],
    ['source', 'unknown', '未注明'],
    ['source', 'fax', 'fax'],
    ['level', 'critical', '特别重大'],
    ['level', 'major', '重大'],
    ['level', 'huge', 'huge'],
    ['kind', 'inquiry', '咨询投诉'],
    ['state', 'closed', '已办结'],
    ['state', 'in_review', '待审核'],
    ['state', 'constructor', 'constructor'],
    ['clock', 'ack', '认领'],
    ['clock', 'answer', '权威答复'],
    ['clock', 'later', 'later'],
  ] as const)('%s %s → %s', (kind, code, label) => {
    expect(labelOf(kind, code)).toBe(label);
  });

  it('labels every breakdown', () => {
    const view = shapeReport(aggregates());
    expect(view.byCategory.map((r) => r.label)).toEqual(['涉及公众切身利益', '一般', '造谣传谣', '突发事件和自然灾害']);
    expect(view.bySource.map((r) => r.label)).toEqual(['微博', '微信', '抖音', '未注明']);
    expect(view.byLevel.map((r) => r.label)).toEqual(['一般', '重大', '特别重大']);
    expect(view.byKind.map((r) => r.label)).toEqual(['舆情', '咨询投诉']);
    expect(view.stateAtEnd.map((r) => r.label)).toEqual(['已办结', '已回应', '已交办']);
    expect(view.byUnit.map((r) => r.label)).toEqual(['县教育局', '县卫健委', '青松镇']);
  });
});

describe('breakdowns', () => {
  it('sorts by count, ties in the canonical order, unknown codes after known ones, zeros left out', () => {
    const view = shapeReport(aggregates({ total: 20, byCategory: { zzz: 5, rumour: 5, general: 5, policy_misread: 5, emergency: 0 } }));
    expect(view.byCategory.map((r) => r.code)).toEqual(['policy_misread', 'general', 'rumour', 'zzz']);
  });

  it('gives integer shares of the period total', () => {
    const view = shapeReport(aggregates({ total: 3, byKind: { opinion: 2, inquiry: 1 } }));
    expect(view.byKind.map((r) => [r.code, r.count, r.percent])).toEqual([
      ['opinion', 2, 67],
      ['inquiry', 1, 33],
    ]);
  });

  it('never shows more than 100% when the counts add up to more than the total', () => {
    const view = shapeReport(aggregates({ total: 2, bySource: { weibo: 3, wechat: 1 } }));
    expect(view.bySource.map((r) => r.percent)).toEqual([75, 25]);
  });

  it('has no shares for an empty period', () => {
    const view = shapeReport(aggregates({ total: 0, byCategory: {}, byUnit: [] }));
    expect(view.byCategory).toEqual([]);
    expect(view.byUnit).toEqual([]);
  });

  it('sorts units by count, then code', () => {
    const view = shapeReport(
      aggregates({
        byUnit: [
          { code: 'b', name: '乙', count: 3 },
          { code: 'a', name: '甲', count: 3 },
          { code: 'c', name: '丙', count: 9 },
        ],
      }),
    );
    expect(view.byUnit.map((r) => r.code)).toEqual(['c', 'a', 'b']);
  });
});

describe('clocks', () => {
  it('lists clocks in the canonical order with on-time rates of the decided clocks', () => {
    const view = shapeReport(aggregates());
    expect(view.clocks.map((c) => [c.label, c.onTimeRate, c.onTimeText, c.running])).toEqual([
      ['认领', 98, '98%', 10], // 120 / 122
      ['回应', 89, '89%', 10], // 80 / 90
    ]);
    expect(view.clocksOverall).toEqual({ decided: 212, onTime: 200, missed: 12, extended: 2, onTimeRate: 94, onTimeText: '94%' });
  });

  it.each([
    [{ kind: 'ack', total: 5, metOnTime: 0, metLate: 0, missedOpen: 0, extended: 0 }, null, '—'],
    [{ kind: 'ack', total: 5, metOnTime: 0, metLate: 0, missedOpen: 3, extended: 0 }, 0, '0%'],
    [{ kind: 'ack', total: 5, metOnTime: 5, metLate: 0, missedOpen: 0, extended: 0 }, 100, '100%'],
  ])('rate with nothing or something decided: %o', (clock, rate, text) => {
    const [row] = shapeReport(aggregates({ clocks: [clock] })).clocks;
    expect(row?.onTimeRate).toBe(rate);
    expect(row?.onTimeText).toBe(text);
  });

  it('drops clocks with no instances and keeps unknown kinds last, labelled by code', () => {
    const view = shapeReport(
      aggregates({
        clocks: [
          { kind: 'mystery', total: 1, metOnTime: 1, metLate: 0, missedOpen: 0, extended: 0 },
          { kind: 'watch', total: 0, metOnTime: 0, metLate: 0, missedOpen: 0, extended: 0 },
          { kind: 'verify', total: 2, metOnTime: 1, metLate: 1, missedOpen: 0, extended: 0 },
        ],
      }),
    );
    expect(view.clocks.map((c) => c.label)).toEqual(['核实', 'mystery']);
  });
});

describe('ledger', () => {
  const row = (unitCode: string, clocksTotal: number, clocksOnTime: number, overdue: number) => ({
    unitCode,
    unitName: `单位${unitCode}`,
    items: 1,
    clocksTotal,
    clocksOnTime,
    medianAckMinutes: null,
    medianVerifyMinutes: null,
    medianRespondMinutes: null,
    overdue,
    extensions: 0,
    disputes: 0,
    leads: 0,
  });

  it('sorts by on-time rate ascending, then overdue descending; units without clocks last', () => {
    const view = shapeReport(
      aggregates({ ledger: [row('a', 10, 10, 0), row('none', 0, 0, 5), row('b', 10, 5, 1), row('c', 10, 5, 4), row('d', 4, 1, 0)] }),
    );
    expect(view.ledger.map((u) => u.unitCode)).toEqual(['d', 'c', 'b', 'a', 'none']);
    expect(view.ledger.map((u) => u.onTimeText)).toEqual(['25%', '50%', '50%', '100%', '—']);
    expect(view.ledger.at(-1)?.onTimeRate).toBeNull();
  });

  it('formats the medians', () => {
    const [first, second] = shapeReport(aggregates()).ledger;
    expect(first && [first.unitName, first.onTimeText, first.medianAck, first.medianVerify, first.medianRespond]).toEqual(['县卫健委', '90%', '45分钟', '2小时10分', '1天3小时']);
    expect(second && [second.unitName, second.onTimeText, second.medianAck, second.medianVerify, second.medianRespond]).toEqual(['县教育局', '98%', '20分钟', '—', '5小时']);
  });
});

describe('overdue and notable lists', () => {
  it('sorts overdue rows longest first, with clock labels and durations', () => {
    const view = shapeReport(aggregates());
    expect(view.overdue.map((o) => [o.ref, o.clockLabel, o.overdueText])).toEqual([
      ['YQ-20261125-004', '核实', '1天3小时'],
      ['YQ-20261124-002', '回应', '2小时10分'],
    ]);
  });

  it('puts critical before major before the rest, with reason labels', () => {
    const view = shapeReport(aggregates());
    expect(view.notable.map((n) => [n.ref, n.levelLabel, n.reasonLabels])).toEqual([
      ['YQ-20261123-002', '特别重大', ['重大及以上', '会商研判']],
      ['YQ-20261123-001', '一般', ['谣言']],
    ]);
    expect(shapeReport(aggregates({ notableTotal: 0 })).notableTotal).toBe(2);
  });
});

describe('highlights', () => {
  it('names the top category, top unit, missed clocks, notable items and extensions', () => {
    expect(shapeReport(aggregates()).highlights).toEqual([
      '类别最多：涉及公众切身利益 60 件（45%）',
      '牵头最多：县教育局 44 件（33%）',
      '时限超时 12 次：认领 2 次、回应 10 次',
      '重点事项 2 件（重大及以上 1、会商研判 1、谣言 1）',
      '延期 2 次',
    ]);
  });

  it('names the top source instead of the top unit in a unit report', () => {
    const view = shapeReport(aggregates({ scope: { kind: 'unit', unitCode: 'wjw', unitName: '县卫健委' } }));
    expect(view.highlights[1]).toBe('来源最多：微博 50 件（38%）');
    expect(view.highlights.some((h) => h.startsWith('牵头最多'))).toBe(false);
  });

  it('says when every clock that came due was met, and leaves out reasons it cannot count', () => {
    const view = shapeReport(
      aggregates({ clocks: [{ kind: 'ack', total: 9, metOnTime: 7, metLate: 0, missedOpen: 0, extended: 0 }], notableTotal: 40 }),
    );
    expect(view.highlights).toContain('已到期的 7 个时限全部按时完成');
    expect(view.highlights).toContain('重点事项 40 件');
  });

  it('has nothing to highlight in an empty period', () => {
    const view = shapeReport(
      aggregates({ total: 0, byCategory: {}, byUnit: [], clocks: [], notable: [], notableTotal: 0, overdueItems: [], overdueTotal: 0 }),
    );
    expect(view.highlights).toEqual([]);
  });
});
