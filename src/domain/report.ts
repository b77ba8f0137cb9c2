import { CLOCK_KINDS, CLOCK_LABELS_ZH, ITEM_KINDS, LEVELS } from './clocks.js';
import { ITEM_STATES, STATE_LABELS_ZH } from './lifecycle.js';
import { CATEGORIES, KIND_LABELS, LEVEL_LABELS, SOURCES } from './registration.js';

/**
 * Reports as data (R13, R14; DESIGN.md §9): SQL aggregates one period (drill items already left
 * out by the query) and this pure function shapes them into everything a digest card or a text
 * reply shows, in Chinese. No I/O, no clock: the caller formats the period labels.
 *
 * Strings in the view are plain text, never markdown: the card escapes them, a text reply uses
 * them as they are.
 */

export type ReportKind = 'daily' | 'weekly' | 'monthly' | 'custom';
export interface ReportAggregates {
  kind: ReportKind;
  /** Local labels already formatted by the caller, e.g. '2026年11月23日—11月29日'. */
  periodLabel: string;
  previousLabel?: string;
  /** Scope: county-wide, or one unit's own ledger. */
  scope: { kind: 'county' } | { kind: 'unit'; unitCode: string; unitName: string };
  total: number;
  previousTotal?: number;
  byCategory: Record<string, number>; // category code → count (CATEGORIES codes)
  bySource: Record<string, number>; // source code or 'unknown'
  byLevel: Record<string, number>; // general | major | critical
  byKind: Record<string, number>; // opinion | inquiry
  byUnit: { code: string; name: string; count: number }[]; // lead units
  stateAtEnd: Record<string, number>; // item state → count, for items registered in the period
  clocks: { kind: string; total: number; metOnTime: number; metLate: number; missedOpen: number; extended: number }[];
  ledger: {
    unitCode: string;
    unitName: string;
    items: number;
    clocksTotal: number;
    clocksOnTime: number;
    medianAckMinutes: number | null;
    medianVerifyMinutes: number | null;
    medianRespondMinutes: number | null;
    overdue: number;
    extensions: number;
    disputes: number;
    leads: number;
  }[];
  overdueItems: { itemId: number; ref: string; title: string; unitName: string; clock: string; overdueMinutes: number }[];
  overdueTotal: number; // may exceed overdueItems.length (the SQL side limits rows)
  notable: { itemId: number; ref: string; title: string; level: string; reasons: ('major' | 'consulted' | 'rumour' | 'reopened')[] }[];
  notableTotal: number;
  trend: { label: string; total: number }[]; // recent periods, oldest first, the current one last
}

export type NotableReason = ReportAggregates['notable'][number]['reasons'][number];

/** One row of a breakdown: `percent` is the integer share of the period's items (null when there are none). */
export interface BreakdownRow {
  code: string;
  label: string;
  count: number;
  percent: number | null;
}

export interface ChangeView {
  /** Undefined when the caller has no previous period. */
  previous?: number;
  /** total − previous; undefined without a previous period. */
  delta?: number;
  /** Integer |delta| / previous; null when previous is 0 or unknown. */
  percent: number | null;
  /** '+12（+10%）', '−3（−20%）', '持平', '+5（上期为 0）', or '' without a previous period. */
  text: string;
}

export interface ClockRow {
  kind: string;
  label: string;
  total: number;
  metOnTime: number;
  metLate: number;
  missedOpen: number;
  extended: number;
  /** Clocks neither met nor missed yet (total minus the decided ones). */
  running: number;
  /** metOnTime / (metOnTime + metLate + missedOpen), integer percent; null when none is decided. */
  onTimeRate: number | null;
  /** '92%' or '—'. */
  onTimeText: string;
}

export interface LedgerRow {
  unitCode: string;
  unitName: string;
  items: number;
  clocksTotal: number;
  clocksOnTime: number;
  /** clocksOnTime / clocksTotal, integer percent; null when clocksTotal is 0. */
  onTimeRate: number | null;
  onTimeText: string;
  /** Formatted medians: '45分钟', '2小时10分', '1天3小时', or '—'. */
  medianAck: string;
  medianVerify: string;
  medianRespond: string;
  overdue: number;
  extensions: number;
  disputes: number;
  leads: number;
}

export interface OverdueRow {
  itemId: number;
  ref: string;
  title: string;
  unitName: string;
  clock: string;
  clockLabel: string;
  overdueMinutes: number;
  /** '2小时10分'. */
  overdueText: string;
}

export interface NotableRow {
  itemId: number;
  ref: string;
  title: string;
  level: string;
  levelLabel: string;
  reasons: NotableReason[];
  reasonLabels: string[];
}

export interface ReportView {
  kind: ReportKind;
  scope: ReportAggregates['scope'];
  /** Without the period, e.g. 舆情周报 or 县卫健委舆情周报 (card header title). */
  name: string;
  /** With the period, e.g. 舆情周报 · 2026年11月23日—11月29日. */
  title: string;
  periodLabel: string;
  previousLabel?: string;
  total: number;
  change: ChangeView;
  /** major + critical items. */
  majorCount: number;
  criticalCount: number;
  /** The ten-second summary, one sentence. */
  headline: string;
  /** 0–5 short bullets (fewer when there is nothing to say), no bullet marks. */
  highlights: string[];
  byCategory: BreakdownRow[];
  bySource: BreakdownRow[];
  byLevel: BreakdownRow[];
  byKind: BreakdownRow[];
  byUnit: BreakdownRow[];
  stateAtEnd: BreakdownRow[];
  /** In CLOCK_KINDS order, unknown kinds last. */
  clocks: ClockRow[];
  /** All clocks together: the headline's on-time rate. */
  clocksOverall: { decided: number; onTime: number; missed: number; extended: number; onTimeRate: number | null; onTimeText: string };
  /** Sorted by on-time rate ascending (units without decided clocks last), then overdue descending. */
  ledger: LedgerRow[];
  /** Sorted by overdue time, longest first. */
  overdue: OverdueRow[];
  /** At least overdue.length. */
  overdueTotal: number;
  /** Critical first, then major, then the rest (input order within a level). */
  notable: NotableRow[];
  /** At least notable.length. */
  notableTotal: number;
  trend: { label: string; total: number }[];
}

// ---------------------------------------------------------------------------------------------
// Small formatters (exported for the card and the tests)

/**
 * The median of values given as value → how many times it occurs, interpolated between the two
 * middle values when the count is even (SQL's percentile_cont(0.5)); null when there are none.
 */
export function medianOfHistogram(histogram: ReadonlyMap<number, number>): number | null {
  const entries = [...histogram].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const count = entries.reduce((acc, [, n]) => acc + n, 0);
  if (count === 0) return null;
  const valueAt = (index: number): number => {
    let seen = 0;
    for (const [value, n] of entries) {
      seen += n;
      if (index < seen) return value;
    }
    return entries.at(-1)![0];
  };
  const middle = (count - 1) / 2;
  const low = valueAt(Math.floor(middle));
  const high = valueAt(Math.ceil(middle));
  return low + (high - low) * (middle - Math.floor(middle));
}

/** Shown for a rate or median that does not exist. */
export const NONE = '—';
const MINUS = '−'; // U+2212, a real minus sign

/**
 * Integer percent of n / d; null when d ≤ 0. Never claims 100% when n < d nor 0% when n > 0, so
 * one late clock out of 300 shows 99%, not 100%.
 */
export function percent(n: number, d: number): number | null {
  if (!(d > 0) || !Number.isFinite(n) || !Number.isFinite(d)) return null;
  let p = Math.round((100 * n) / d);
  if (p >= 100 && n < d) p = 99;
  if (p <= 0 && n > 0) p = 1;
  return p;
}

export function percentText(p: number | null): string {
  return p === null ? NONE : `${p}%`;
}

/**
 * Minutes as a short Chinese duration: 45分钟, 2小时, 2小时10分, 1天, 1天3小时 (minutes dropped once it
 * runs to days). null → '—'. Fractions round to the nearest minute; negatives count as 0.
 */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return NONE;
  const total = Math.max(0, Math.round(minutes));
  if (total < 60) return `${total}分钟`;
  if (total < 24 * 60) {
    const h = Math.floor(total / 60);
    const m = total % 60;
    return m === 0 ? `${h}小时` : `${h}小时${m}分`;
  }
  const d = Math.floor(total / (24 * 60));
  const h = Math.floor((total % (24 * 60)) / 60);
  return h === 0 ? `${d}天` : `${d}天${h}小时`;
}

/** Change of `total` against `previous`: +N / −N / 持平, with a percentage when previous > 0. */
export function changeOf(total: number, previous: number | undefined): ChangeView {
  if (previous === undefined || !Number.isFinite(previous)) return { percent: null, text: '' };
  const delta = total - previous;
  if (delta === 0) return { previous, delta, percent: previous > 0 ? 0 : null, text: '持平' };
  const sign = delta > 0 ? '+' : MINUS;
  const n = `${sign}${Math.abs(delta)}`;
  if (previous <= 0) return { previous, delta, percent: null, text: `${n}（上期为 0）` };
  const p = percent(Math.abs(delta), previous);
  return { previous, delta, percent: p, text: `${n}（${sign}${p ?? 0}%）` };
}

// ---------------------------------------------------------------------------------------------
// Labels

const REPORT_NAMES: Record<ReportKind, string> = { daily: '舆情日志', weekly: '舆情周报', monthly: '舆情月报', custom: '舆情报告' };
const THIS_PERIOD: Record<ReportKind, string> = { daily: '当日', weekly: '本周', monthly: '本月', custom: '本期' };
const PREVIOUS_PERIOD: Record<ReportKind, string> = { daily: '前一日', weekly: '上周', monthly: '上月', custom: '上期' };

export const NOTABLE_REASON_LABELS: Record<NotableReason, string> = {
  major: '重大及以上',
  consulted: '会商研判',
  rumour: '谣言',
  reopened: '重新打开',
};
const NOTABLE_REASONS = Object.keys(NOTABLE_REASON_LABELS) as NotableReason[];
/** The source code the SQL side uses for items without a source. */
export const UNKNOWN_SOURCE_LABEL = '未注明';

interface LabelTable {
  order: readonly string[];
  label(code: string): string | undefined;
}

function own<T>(table: Record<string, T>, code: string): T | undefined {
  return Object.hasOwn(table, code) ? table[code] : undefined;
}

const TABLES = {
  category: { order: Object.keys(CATEGORIES), label: (c) => own<{ label: string }>(CATEGORIES, c)?.label },
  source: {
    order: [...Object.keys(SOURCES), 'unknown'],
    label: (c) => (c === 'unknown' ? UNKNOWN_SOURCE_LABEL : own<{ label: string }>(SOURCES, c)?.label),
  },
  level: { order: LEVELS, label: (c) => own<string>(LEVEL_LABELS, c) },
  kind: { order: ITEM_KINDS, label: (c) => own<string>(KIND_LABELS, c) },
  state: { order: ITEM_STATES, label: (c) => own<string>(STATE_LABELS_ZH, c) },
  clock: { order: CLOCK_KINDS, label: (c) => own<string>(CLOCK_LABELS_ZH, c) },
} satisfies Record<string, LabelTable>;
export type LabelKind = keyof typeof TABLES;

/** The Chinese label of a code; unknown codes are shown as the code itself. */
export function labelOf(kind: LabelKind, code: string): string {
  return TABLES[kind].label(code) ?? code;
}

function rank(kind: LabelKind, code: string): number {
  const order: readonly string[] = TABLES[kind].order;
  const i = order.indexOf(code);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

const count = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.round(n)) : 0);
const sum = (ns: readonly number[]) => ns.reduce((a, b) => a + b, 0);

/**
 * Count descending; ties in the table's own order (unknown codes after known ones, then by code).
 * Zero counts are left out. Percentages are of max(total, the breakdown's own sum), so an
 * inconsistent aggregate can never show more than 100%.
 */
function breakdown(kind: LabelKind, counts: Record<string, number>, total: number): BreakdownRow[] {
  const rows = Object.entries(counts)
    .map(([code, n]) => ({ code, n: count(n) }))
    .filter((r) => r.n > 0);
  const denominator = Math.max(count(total), sum(rows.map((r) => r.n)));
  return rows
    .sort((a, b) => b.n - a.n || rank(kind, a.code) - rank(kind, b.code) || a.code.localeCompare(b.code))
    .map((r) => ({ code: r.code, label: labelOf(kind, r.code), count: r.n, percent: percent(r.n, denominator) }));
}

function unitBreakdown(units: ReportAggregates['byUnit'], total: number): BreakdownRow[] {
  const rows = units.map((u) => ({ code: u.code, label: u.name || u.code, n: count(u.count) })).filter((r) => r.n > 0);
  const denominator = Math.max(count(total), sum(rows.map((r) => r.n)));
  return rows
    .sort((a, b) => b.n - a.n || a.code.localeCompare(b.code))
    .map((r) => ({ code: r.code, label: r.label, count: r.n, percent: percent(r.n, denominator) }));
}

function clockRows(clocks: ReportAggregates['clocks']): ClockRow[] {
  return clocks
    .map((c) => {
      const metOnTime = count(c.metOnTime);
      const metLate = count(c.metLate);
      const missedOpen = count(c.missedOpen);
      const decided = metOnTime + metLate + missedOpen;
      const total = Math.max(count(c.total), decided);
      const onTimeRate = percent(metOnTime, decided);
      return {
        kind: c.kind,
        label: labelOf('clock', c.kind),
        total,
        metOnTime,
        metLate,
        missedOpen,
        extended: count(c.extended),
        running: total - decided,
        onTimeRate,
        onTimeText: percentText(onTimeRate),
      };
    })
    .filter((c) => c.total > 0)
    .sort((a, b) => rank('clock', a.kind) - rank('clock', b.kind) || a.kind.localeCompare(b.kind));
}

function ledgerRows(ledger: ReportAggregates['ledger']): LedgerRow[] {
  return ledger
    .map((u) => {
      const clocksTotal = count(u.clocksTotal);
      const clocksOnTime = Math.min(count(u.clocksOnTime), clocksTotal);
      const onTimeRate = percent(clocksOnTime, clocksTotal);
      return {
        unitCode: u.unitCode,
        unitName: u.unitName || u.unitCode,
        items: count(u.items),
        clocksTotal,
        clocksOnTime,
        onTimeRate,
        onTimeText: percentText(onTimeRate),
        medianAck: formatMinutes(u.medianAckMinutes),
        medianVerify: formatMinutes(u.medianVerifyMinutes),
        medianRespond: formatMinutes(u.medianRespondMinutes),
        overdue: count(u.overdue),
        extensions: count(u.extensions),
        disputes: count(u.disputes),
        leads: count(u.leads),
      };
    })
    .sort(
      (a, b) =>
        (a.onTimeRate ?? Number.POSITIVE_INFINITY) - (b.onTimeRate ?? Number.POSITIVE_INFINITY) ||
        b.overdue - a.overdue ||
        b.items - a.items ||
        a.unitCode.localeCompare(b.unitCode),
    );
}

const SEVERITY: Record<string, number> = { critical: 0, major: 1, general: 2 };

function notableRows(notable: ReportAggregates['notable']): NotableRow[] {
  return notable
    .map((n, i) => {
      const reasons = NOTABLE_REASONS.filter((r) => n.reasons.includes(r));
      return {
        row: {
          itemId: n.itemId,
          ref: n.ref,
          title: n.title,
          level: n.level,
          levelLabel: labelOf('level', n.level),
          reasons,
          reasonLabels: reasons.map((r) => NOTABLE_REASON_LABELS[r]),
        },
        i,
      };
    })
    .sort((a, b) => (SEVERITY[a.row.level] ?? 3) - (SEVERITY[b.row.level] ?? 3) || a.i - b.i)
    .map((x) => x.row);
}

function overdueRows(items: ReportAggregates['overdueItems']): OverdueRow[] {
  return items
    .map((o, i) => ({
      row: {
        itemId: o.itemId,
        ref: o.ref,
        title: o.title,
        unitName: o.unitName,
        clock: o.clock,
        clockLabel: labelOf('clock', o.clock),
        overdueMinutes: count(o.overdueMinutes),
        overdueText: formatMinutes(o.overdueMinutes),
      },
      i,
    }))
    .sort((a, b) => b.row.overdueMinutes - a.row.overdueMinutes || a.i - b.i)
    .map((x) => x.row);
}

// ---------------------------------------------------------------------------------------------
// Headline and highlights

function headline(v: Omit<ReportView, 'headline' | 'highlights'>): string {
  const period = THIS_PERIOD[v.kind];
  const parts: string[] = [];
  const verb = v.scope.kind === 'unit' ? '牵头' : '登记';
  let first = v.total > 0 ? `${period}${verb}事项 ${v.total} 件` : `${period}未${verb}事项`;
  if (v.change.text !== '') first += `，较${PREVIOUS_PERIOD[v.kind]} ${v.change.text}`;
  parts.push(first);
  if (v.criticalCount > 0) parts.push(`特别重大 ${v.criticalCount} 件、重大 ${v.majorCount - v.criticalCount} 件`);
  else parts.push(`重大 ${v.majorCount} 件`);
  parts.push(v.overdueTotal > 0 ? `仍有 ${v.overdueTotal} 条超时未办` : '无超时未办');
  parts.push(`时限按时率 ${v.clocksOverall.onTimeText}`);
  return `${parts.join('；')}。`;
}

function highlights(v: Omit<ReportView, 'headline' | 'highlights'>): string[] {
  const out: string[] = [];
  const share = (r: BreakdownRow) => `${r.count} 件（${percentText(r.percent)}）`;
  const topCategory = v.byCategory[0];
  if (topCategory) out.push(`类别最多：${topCategory.label} ${share(topCategory)}`);
  if (v.scope.kind === 'county') {
    const topUnit = v.byUnit[0];
    if (topUnit) out.push(`牵头最多：${topUnit.label} ${share(topUnit)}`);
  } else {
    const topSource = v.bySource[0];
    if (topSource) out.push(`来源最多：${topSource.label} ${share(topSource)}`);
  }
  const missed = v.clocks.filter((c) => c.metLate + c.missedOpen > 0);
  if (missed.length > 0) {
    const list = missed.map((c) => `${c.label} ${c.metLate + c.missedOpen} 次`).join('、');
    out.push(`时限超时 ${v.clocksOverall.missed} 次：${list}`);
  } else if (v.clocksOverall.decided > 0) {
    out.push(`已到期的 ${v.clocksOverall.decided} 个时限全部按时完成`);
  }
  if (v.notableTotal > 0) {
    const byReason = NOTABLE_REASONS.map((r) => [r, v.notable.filter((n) => n.reasons.includes(r)).length] as const)
      .filter(([, n]) => n > 0)
      .map(([r, n]) => `${NOTABLE_REASON_LABELS[r]} ${n}`);
    const complete = v.notable.length === v.notableTotal;
    out.push(`重点事项 ${v.notableTotal} 件${complete && byReason.length > 0 ? `（${byReason.join('、')}）` : ''}`);
  }
  if (v.clocksOverall.extended > 0) out.push(`延期 ${v.clocksOverall.extended} 次`);
  return out.slice(0, 5);
}

// ---------------------------------------------------------------------------------------------

/** Shape one period's aggregates into the report view (pure). */
export function shapeReport(a: ReportAggregates): ReportView {
  const total = count(a.total);
  const name = a.scope.kind === 'unit' ? `${a.scope.unitName || a.scope.unitCode}${REPORT_NAMES[a.kind]}` : REPORT_NAMES[a.kind];
  const clocks = clockRows(a.clocks);
  const decided = sum(clocks.map((c) => c.metOnTime + c.metLate + c.missedOpen));
  const onTime = sum(clocks.map((c) => c.metOnTime));
  const overallRate = percent(onTime, decided);
  const overdue = overdueRows(a.overdueItems);
  const notable = notableRows(a.notable);
  const level = (code: string) => count(own(a.byLevel, code) ?? 0);

  const base: Omit<ReportView, 'headline' | 'highlights'> = {
    kind: a.kind,
    scope: a.scope,
    name,
    title: `${name} · ${a.periodLabel}`,
    periodLabel: a.periodLabel,
    ...(a.previousLabel === undefined ? {} : { previousLabel: a.previousLabel }),
    total,
    change: changeOf(total, a.previousTotal === undefined ? undefined : count(a.previousTotal)),
    majorCount: level('major') + level('critical'),
    criticalCount: level('critical'),
    byCategory: breakdown('category', a.byCategory, total),
    bySource: breakdown('source', a.bySource, total),
    byLevel: breakdown('level', a.byLevel, total),
    byKind: breakdown('kind', a.byKind, total),
    byUnit: unitBreakdown(a.byUnit, total),
    stateAtEnd: breakdown('state', a.stateAtEnd, total),
    clocks,
    clocksOverall: {
      decided,
      onTime,
      missed: decided - onTime,
      extended: sum(clocks.map((c) => c.extended)),
      onTimeRate: overallRate,
      onTimeText: percentText(overallRate),
    },
    ledger: ledgerRows(a.ledger),
    overdue,
    overdueTotal: Math.max(count(a.overdueTotal), overdue.length),
    notable,
    notableTotal: Math.max(count(a.notableTotal), notable.length),
    trend: a.trend.map((t) => ({ label: t.label, total: count(t.total) })),
  };
  return { ...base, headline: headline(base), highlights: highlights(base) };
}
