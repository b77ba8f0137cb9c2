import { DomainError } from './errors.js';

/**
 * The one calendar helper: every local-time question goes through here with an explicit IANA zone,
 * so nothing depends on the process time zone (the suite also runs under TZ=UTC and
 * TZ=America/New_York to prove it). Zone maths uses Intl only.
 *
 * Day boundaries: a local date [D 00:00, D+1 00:00) is half-open. `endOfLocalDate(D)` returns the
 * next local midnight, an EXCLUSIVE bound: work done strictly before it is "by the end of D".
 */

export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7; // Monday = 1 … Sunday = 7

export interface LocalParts {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  weekday: Weekday;
}

/** Local wall-clock fields; out-of-range values roll over like Date.UTC (day 32 → next month). */
export interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
}

/** 'YYYY-MM-DD', a local calendar date. */
export type DateKey = string;

const DAY_MS = 86_400_000;
const WEEKDAYS: Record<string, Weekday> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A pure function's answers kept by key, up to `size` of them (then forgotten all at once): the
 * zone maths below is asked the same few questions again and again (every clock, ladder step and
 * card), and Intl is slow.
 */
function remembered<V>(size: number): (key: string, compute: () => V) => V {
  const known = new Map<string, V>();
  return (key, compute) => {
    let value = known.get(key);
    if (value === undefined) {
      value = compute();
      if (known.size >= size) known.clear();
      known.set(key, value);
    }
    return value;
  };
}

function formatterFor(tz: string): Intl.DateTimeFormat {
  let formatter = formatters.get(tz);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23', // 'hour12: false' prints midnight as 24 on some ICU versions
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        weekday: 'short',
      });
    } catch (cause) {
      throw new DomainError('invalid_time_zone', `时区“${tz}”无效，请填写 IANA 时区名，例如 Asia/Shanghai。`, {
        cause,
        details: { tz },
      });
    }
    formatters.set(tz, formatter);
  }
  return formatter;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

/** Date.UTC maps years 0–99 to 19xx; this does not. */
function utcMs(f: LocalFields): number {
  // Date.UTC is the same from year 100 on, without a Date made for each call.
  if (f.year >= 100) return Date.UTC(f.year, f.month - 1, f.day, f.hour ?? 0, f.minute ?? 0, f.second ?? 0, f.millisecond ?? 0);
  const date = new Date(0);
  date.setUTCFullYear(f.year, f.month - 1, f.day);
  date.setUTCHours(f.hour ?? 0, f.minute ?? 0, f.second ?? 0, f.millisecond ?? 0);
  return date.getTime();
}

/** The last answer of localParts: callers often ask twice for one instant (its date, then its time). */
let lastParts: { ms: number; tz: string; parts: LocalParts } | undefined;

export function localParts(instant: Date, tz: string): LocalParts {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('localParts: invalid Date');
  if (lastParts && lastParts.ms === ms && lastParts.tz === tz) return { ...lastParts.parts };
  const parts = formatLocalParts(instant, ms, tz);
  lastParts = { ms, tz, parts };
  return { ...parts };
}

function formatLocalParts(instant: Date, ms: number, tz: string): LocalParts {
  const offset = steadyOffset(ms, tz);
  return offset === undefined ? intlLocalParts(instant, ms, tz) : shiftedParts(ms + offset);
}

/**
 * Intl is slow (a few µs a call, and every clock, ladder step and card asks), so the zone's offset
 * is remembered per quarter hour of UTC: every real offset change falls on one, and a quarter
 * whose two ends disagree (an odd historical change) is left to Intl, instant by instant.
 */
const OFFSET_SPAN_MS = 15 * 60_000;
const OFFSET_MEMO_SIZE = 10_000;
const offsetOfSpan = remembered<number>(OFFSET_MEMO_SIZE);

function steadyOffset(ms: number, tz: string): number | undefined {
  const span = Math.floor(ms / OFFSET_SPAN_MS);
  const offset = offsetOfSpan(`${tz}|${span}`, () => {
    const start = span * OFFSET_SPAN_MS;
    const first = intlOffset(start, tz);
    return first === intlOffset(start + OFFSET_SPAN_MS - 1, tz) ? first : Number.NaN;
  });
  return Number.isNaN(offset) ? undefined : offset;
}

function intlOffset(ms: number, tz: string): number {
  return utcMs(intlLocalParts(new Date(ms), ms, tz)) - ms;
}

/** The fields of an instant already moved to local time, read as UTC. */
function shiftedParts(localMs: number): LocalParts {
  const local = new Date(localMs);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
    weekday: (((local.getUTCDay() + 6) % 7) + 1) as Weekday,
  };
}

function intlLocalParts(instant: Date, ms: number, tz: string): LocalParts {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(tz).formatToParts(instant)) fields[part.type] = part.value;
  const weekday = WEEKDAYS[fields.weekday ?? ''];
  if (weekday === undefined) throw new RangeError(`localParts: unexpected weekday "${fields.weekday}"`);
  return {
    year: Number(fields.year),
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    second: Number(fields.second),
    millisecond: ((ms % 1000) + 1000) % 1000,
    weekday,
  };
}

/** Zone offset (local minus UTC) in ms at an instant. */
function offsetMs(ms: number, tz: string): number {
  return steadyOffset(ms, tz) ?? intlOffset(ms, tz);
}

/**
 * The instant at which the wall clock in `tz` shows `fields`. Ambiguous times (a clock set back)
 * take the earlier instant; times skipped by a clock set forward are moved forward by the length
 * of the gap (02:30 in a 02:00→03:00 gap becomes 03:30), the rule Temporal calls "compatible".
 * Assumes at most one offset change within a day either side, true of every real zone.
 */
export function fromLocal(fields: LocalFields, tz: string): Date {
  const wall = utcMs(fields);
  // Pure and asked again and again for the same few wall times (each night's quiet hours, for
  // every step of every ladder): remembered per zone, a bounded number at a time.
  return new Date(instantOfWall(`${tz}|${wall}`, () => fromLocalUncached(wall, tz)));
}

const instantOfWall = remembered<number>(10_000);

function fromLocalUncached(wall: number, tz: string): number {
  const before = offsetMs(wall - DAY_MS, tz);
  const after = offsetMs(wall + DAY_MS, tz);
  const fits = [wall - before, wall - after].filter((t) => offsetMs(t, tz) === wall - t);
  if (fits.length > 0) return Math.min(...fits);
  return wall - before;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function formatKey(year: number, month: number, day: number, separator: string): string {
  return [pad(year, 4), pad(month, 2), pad(day, 2)].join(separator);
}

/** 'YYYY-MM-DD' of the local date. */
export function localDateKey(instant: Date, tz: string): DateKey {
  const p = localParts(instant, tz);
  return formatKey(p.year, p.month, p.day, '-');
}

/** 'YYYYMMDD' of the local date, as used in references YQ-YYYYMMDD-NNN. */
export function localCompactDateKey(instant: Date, tz: string): string {
  const p = localParts(instant, tz);
  return formatKey(p.year, p.month, p.day, '');
}

const DATE_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDateKey(key: string): { year: number; month: number; day: number } {
  const match = DATE_KEY.exec(key);
  if (match) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const day = Number(match[3]);
    const check = new Date(utcMs({ year, month, day }));
    if (check.getUTCMonth() === month - 1 && check.getUTCDate() === day) return { year, month, day };
  }
  throw new DomainError('invalid_date', `“${key}”不是有效日期，请写成 YYYY-MM-DD，例如 2026-10-08。`, {
    details: { key },
  });
}

export function isDateKey(key: string): boolean {
  try {
    parseDateKey(key);
    return true;
  } catch {
    return false;
  }
}

/** Pure calendar arithmetic on a date key; no zone involved. */
export function addDaysToDateKey(key: DateKey, days: number): DateKey {
  const { year, month, day } = parseDateKey(key);
  const date = new Date(utcMs({ year, month, day: day + days }));
  return formatKey(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), '-');
}

export function weekdayOfDateKey(key: DateKey): Weekday {
  const { year, month, day } = parseDateKey(key);
  const sundayZero = new Date(utcMs({ year, month, day })).getUTCDay();
  return (sundayZero === 0 ? 7 : sundayZero) as Weekday;
}

/** First instant of a local date (local midnight, or the end of a gap that swallows midnight). */
export function startOfLocalDate(key: DateKey, tz: string): Date {
  return fromLocal(parseDateKey(key), tz);
}

export function startOfLocalDay(instant: Date, tz: string): Date {
  return startOfLocalDate(localDateKey(instant, tz), tz);
}

/** Next local midnight: the exclusive end of the date (see the file comment). */
export function endOfLocalDate(key: DateKey, tz: string): Date {
  return startOfLocalDate(addDaysToDateKey(key, 1), tz);
}

/** Same local clock time `days` calendar days later (not days × 24 h across a DST change). */
export function addLocalDays(instant: Date, days: number, tz: string): Date {
  const p = localParts(instant, tz);
  return fromLocal({ ...p, day: p.day + days }, tz);
}

/** Monday 00:00 local of the instant's week. */
export function startOfLocalWeek(instant: Date, tz: string): Date {
  const p = localParts(instant, tz);
  return fromLocal({ year: p.year, month: p.month, day: p.day - (p.weekday - 1) }, tz);
}

export function startOfLocalMonth(instant: Date, tz: string): Date {
  const p = localParts(instant, tz);
  return fromLocal({ year: p.year, month: p.month, day: 1 }, tz);
}

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** 'HH:MM' → minutes since midnight (07:30 → 450). */
export function parseClockTime(text: string): number {
  // The policy's few texts (quiet hours), parsed at every ladder step; an invalid one throws, unkept.
  return minutesOfClockText(text, () => parseClockTimeUncached(text));
}

const minutesOfClockText = remembered<number>(1000);

function parseClockTimeUncached(text: string): number {
  const match = CLOCK_TIME.exec(text);
  if (!match) {
    throw new DomainError('invalid_clock_time', `“${text}”不是有效时刻，请写成 HH:MM，例如 07:30。`, {
      details: { text },
    });
  }
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Wall-clock minutes since local midnight (what the clock on the wall shows, not time elapsed). */
export function minutesSinceLocalMidnight(instant: Date, tz: string): number {
  const p = localParts(instant, tz);
  return p.hour * 60 + p.minute;
}

/** The instant a local date shows the given wall-clock minutes (DST gaps as in `fromLocal`). */
export function atLocalClockTime(key: DateKey, minutes: number, tz: string): Date {
  // Asked for the same few nights' edges by every step of every ladder.
  return new Date(instantOfClockTime(`${tz}|${key}|${minutes}`, () => fromLocal({ ...parseDateKey(key), hour: Math.floor(minutes / 60), minute: minutes % 60 }, tz).getTime()));
}

const instantOfClockTime = remembered<number>(10_000);
