import { addLocalDays, localParts, startOfLocalDay, startOfLocalMonth, startOfLocalWeek } from './time.js';

/** Report periods in the county's zone: days, weeks from Monday 00:00, months from the 1st. */
export type PeriodKind = 'daily' | 'weekly' | 'monthly';

export interface Period {
  kind: PeriodKind | 'custom';
  /** Inclusive start, exclusive end. */
  from: Date;
  to: Date;
  label: string;
  /** For a chart's axis: 11月27日, 11.23—11.29, 2026年10月. */
  shortLabel: string;
}

function label(kind: Period['kind'], from: Date, to: Date, tz: string): string {
  const a = localParts(from, tz);
  const last = localParts(new Date(to.getTime() - 1), tz);
  if (kind === 'daily') return `${a.year}年${a.month}月${a.day}日`;
  if (kind === 'monthly') return `${a.year}年${a.month}月`;
  const end = last.year === a.year ? `${last.month}月${last.day}日` : `${last.year}年${last.month}月${last.day}日`;
  return `${a.year}年${a.month}月${a.day}日—${end}`;
}

function shortLabel(kind: Period['kind'], from: Date, to: Date, tz: string): string {
  const a = localParts(from, tz);
  const last = localParts(new Date(to.getTime() - 1), tz);
  if (kind === 'daily') return `${a.month}月${a.day}日`;
  if (kind === 'monthly') return `${a.year}年${a.month}月`;
  return `${a.month}.${a.day}—${last.month}.${last.day}`;
}

function period(kind: Period['kind'], from: Date, to: Date, tz: string): Period {
  return { kind, from, to, label: label(kind, from, to, tz), shortLabel: shortLabel(kind, from, to, tz) };
}

/** The period of `kind` that contains `at`. */
export function periodContaining(kind: PeriodKind, at: Date, tz: string): Period {
  const from = kind === 'daily' ? startOfLocalDay(at, tz) : kind === 'weekly' ? startOfLocalWeek(at, tz) : startOfLocalMonth(at, tz);
  const to = kind === 'daily' ? addLocalDays(from, 1, tz) : kind === 'weekly' ? addLocalDays(from, 7, tz) : startOfLocalMonth(addLocalDays(from, 32, tz), tz);
  return period(kind, from, to, tz);
}

/** The period just before `period` (same kind; a custom range of the same length). */
export function previousPeriod(current: Period, tz: string): Period {
  if (current.kind === 'custom') {
    const span = current.to.getTime() - current.from.getTime();
    const from = new Date(current.from.getTime() - span);
    return period('custom', from, current.from, tz);
  }
  return periodContaining(current.kind, new Date(current.from.getTime() - 1), tz);
}

/** The last complete period before `at` (what a scheduled report covers). */
export function lastCompletePeriod(kind: PeriodKind, at: Date, tz: string): Period {
  return previousPeriod(periodContaining(kind, at, tz), tz);
}

export function customPeriod(from: Date, to: Date, tz: string): Period {
  return period('custom', from, to, tz);
}
