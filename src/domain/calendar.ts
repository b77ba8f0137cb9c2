import { DomainError } from './errors.js';
import {
  addDaysToDateKey,
  fromLocal,
  localDateKey,
  localParts,
  parseDateKey,
  weekdayOfDateKey,
  type DateKey,
} from './time.js';

/**
 * The official working-day calendar (State Council schedule), built from data so a new year's
 * schedule is a data change. Beyond `lastYear` we only know weekends, so answers say so and the
 * caller can warn the admins and mark the card.
 */
export interface WorkingCalendar {
  readonly holidays: ReadonlySet<DateKey>;
  /** 调休: weekend days that are working days. */
  readonly makeupWorkdays: ReadonlySet<DateKey>;
  /** Last year the data covers in full. */
  readonly lastYear: number;
}

export interface CalendarData {
  holidays: readonly DateKey[];
  makeupWorkdays: readonly DateKey[];
  lastYear: number;
}

export interface WorkingDayAnswer {
  working: boolean;
  /** True when the date lies after `lastYear`: weekends only, holidays unknown. */
  beyondData: boolean;
}

function invalid(reason: string, details: Record<string, unknown>): DomainError {
  return new DomainError('calendar_data_invalid', `节假日数据有误：${reason}`, { details });
}

/** Validates the data once so lookups can trust it. */
export function createCalendar(data: CalendarData): WorkingCalendar {
  if (!Number.isInteger(data.lastYear)) throw invalid('lastYear 必须是年份', { lastYear: data.lastYear });
  for (const key of [...data.holidays, ...data.makeupWorkdays]) {
    try {
      parseDateKey(key);
    } catch {
      throw invalid(`“${key}”不是 YYYY-MM-DD 日期`, { key });
    }
    if (parseDateKey(key).year > data.lastYear) throw invalid(`${key} 晚于数据最后一年 ${data.lastYear}`, { key });
  }
  const holidays = new Set(data.holidays);
  for (const key of data.makeupWorkdays) {
    if (holidays.has(key)) throw invalid(`${key} 同时是假日和调休上班日`, { key });
  }
  return { holidays, makeupWorkdays: new Set(data.makeupWorkdays), lastYear: data.lastYear };
}

export function isWorkingDay(key: DateKey, cal: WorkingCalendar): WorkingDayAnswer {
  const weekday = weekdayOfDateKey(key);
  const weekdayWorking = weekday <= 5;
  if (parseDateKey(key).year > cal.lastYear) return { working: weekdayWorking, beyondData: true };
  if (cal.makeupWorkdays.has(key)) return { working: true, beyondData: false };
  if (cal.holidays.has(key)) return { working: false, beyondData: false };
  return { working: weekdayWorking, beyondData: false };
}

export interface WorkingDaysResult {
  at: Date;
  /** Some day counted lay beyond the data: the result assumed weekends only there. */
  beyondData: boolean;
}

/**
 * The same local clock time on the n-th working day after the instant's local date (the starting
 * date itself never counts, even when it is a working day). n = 0 returns the instant.
 */
export function addWorkingDays(instant: Date, n: number, tz: string, cal: WorkingCalendar): WorkingDaysResult {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`addWorkingDays: n must be a whole number ≥ 0, got ${n}`);
  let key = localDateKey(instant, tz);
  let beyondData = false;
  for (let counted = 0; counted < n; ) {
    key = addDaysToDateKey(key, 1);
    const answer = isWorkingDay(key, cal);
    beyondData ||= answer.beyondData;
    if (answer.working) counted += 1;
  }
  if (n === 0) return { at: instant, beyondData };
  const { hour, minute, second, millisecond } = localParts(instant, tz);
  return { at: fromLocal({ ...parseDateKey(key), hour, minute, second, millisecond }, tz), beyondData };
}
