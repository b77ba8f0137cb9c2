import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import {
  addDaysToDateKey,
  addLocalDays,
  atLocalClockTime,
  endOfLocalDate,
  fromLocal,
  isDateKey,
  isValidTimeZone,
  localCompactDateKey,
  localDateKey,
  localParts,
  minutesSinceLocalMidnight,
  parseClockTime,
  parseDateKey,
  startOfLocalDate,
  startOfLocalDay,
  startOfLocalMonth,
  startOfLocalWeek,
  weekdayOfDateKey,
} from '../../src/domain/time.js';

const SH = 'Asia/Shanghai';
const NY = 'America/New_York';
const UTC = 'UTC';
const d = (iso: string) => new Date(iso);

describe('localParts', () => {
  it.each([
    // instant, zone, y, m, d, hh, mm, ss, weekday
    ['2026-03-08T06:59:00Z', NY, 2026, 3, 8, 1, 59, 0, 7], // last minute of EST
    ['2026-03-08T07:00:00Z', NY, 2026, 3, 8, 3, 0, 0, 7], // clocks jump to EDT
    ['2026-11-01T05:30:00Z', NY, 2026, 11, 1, 1, 30, 0, 7], // first 01:30 (EDT)
    ['2026-11-01T06:30:00Z', NY, 2026, 11, 1, 1, 30, 0, 7], // second 01:30 (EST)
    ['2026-12-31T16:00:00Z', SH, 2027, 1, 1, 0, 0, 0, 5], // new year in Shanghai, still 2026 in UTC
    ['2026-12-31T16:00:00Z', UTC, 2026, 12, 31, 16, 0, 0, 4],
    ['2028-02-28T16:30:00Z', SH, 2028, 2, 29, 0, 30, 0, 2], // leap day, Tuesday
    ['2028-02-29T23:59:59Z', UTC, 2028, 2, 29, 23, 59, 59, 2],
    ['2026-10-07T16:00:00Z', SH, 2026, 10, 8, 0, 0, 0, 4], // midnight prints as 00, not 24
  ])('%s in %s', (iso, tz, year, month, day, hour, minute, second, weekday) => {
    expect(localParts(d(iso), tz)).toEqual({ year, month, day, hour, minute, second, millisecond: 0, weekday });
  });

  it('keeps milliseconds', () => {
    expect(localParts(d('2026-10-08T01:02:03.456Z'), SH).millisecond).toBe(456);
  });

  it('refuses an unknown zone with a domain error', () => {
    expect(isValidTimeZone(SH)).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(() => localParts(d('2026-10-08T00:00:00Z'), 'Mars/Olympus_Mons')).toThrow(DomainError);
  });
});

describe('fromLocal', () => {
  it.each([
    [SH, 2026, 10, 8, 9, 0, '2026-10-08T01:00:00.000Z'],
    [UTC, 2028, 2, 29, 12, 0, '2028-02-29T12:00:00.000Z'],
    [SH, 2026, 1, 32, 0, 0, '2026-01-31T16:00:00.000Z'], // day 32 rolls into February
    [NY, 2026, 3, 8, 1, 59, '2026-03-08T06:59:00.000Z'],
    [NY, 2026, 3, 8, 2, 30, '2026-03-08T07:30:00.000Z'], // in the gap: moved forward to 03:30 EDT
    [NY, 2026, 3, 8, 3, 0, '2026-03-08T07:00:00.000Z'],
    [NY, 2026, 11, 1, 1, 30, '2026-11-01T05:30:00.000Z'], // ambiguous: the earlier (EDT) instant
    [NY, 2026, 11, 1, 2, 0, '2026-11-01T07:00:00.000Z'],
    ['America/Sao_Paulo', 2018, 11, 4, 0, 0, '2018-11-04T03:00:00.000Z'], // midnight skipped → 01:00 -02
  ])('%s %i-%i-%i %i:%i', (tz, year, month, day, hour, minute, iso) => {
    expect(fromLocal({ year, month, day, hour, minute }, tz).toISOString()).toBe(iso);
  });

  it('round-trips every hour of the spring-forward week in New York (no local time repeats)', () => {
    for (let h = 0; h < 7 * 24; h++) {
      const instant = new Date(Date.UTC(2026, 2, 5, h, 17));
      expect(fromLocal(localParts(instant, NY), NY).toISOString()).toBe(instant.toISOString());
    }
  });
});

describe('date keys', () => {
  it.each([
    ['2026-09-30T15:59:59.999Z', SH, '2026-09-30', '20260930'],
    ['2026-09-30T16:00:00.000Z', SH, '2026-10-01', '20261001'],
    ['2026-09-30T16:00:00.000Z', UTC, '2026-09-30', '20260930'],
    ['2026-09-30T16:00:00.000Z', NY, '2026-09-30', '20260930'],
    ['2028-02-29T03:59:00.000Z', NY, '2028-02-28', '20280228'],
    ['2028-02-29T03:59:00.000Z', SH, '2028-02-29', '20280229'],
    ['2026-12-31T16:00:00.000Z', SH, '2027-01-01', '20270101'],
  ])('%s in %s is %s', (iso, tz, dashed, compact) => {
    expect(localDateKey(d(iso), tz)).toBe(dashed);
    expect(localCompactDateKey(d(iso), tz)).toBe(compact);
  });

  it.each([
    ['2028-02-28', 1, '2028-02-29'],
    ['2028-02-29', 1, '2028-03-01'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-10-01', 10, '2026-10-11'],
  ])('%s %i days is %s', (key, days, expected) => {
    expect(addDaysToDateKey(key, days)).toBe(expected);
  });

  it.each([
    ['2026-10-01', 4],
    ['2026-10-04', 7],
    ['2026-10-05', 1],
    ['2026-10-10', 6],
    ['2028-02-29', 2],
  ])('%s is weekday %i', (key, weekday) => {
    expect(weekdayOfDateKey(key)).toBe(weekday);
  });

  it.each(['2026-02-29', '2026-13-01', '2026-1-01', '20261001', '2026-10-00', ''])('rejects %j', (key) => {
    expect(isDateKey(key)).toBe(false);
    expect(() => parseDateKey(key)).toThrow(expect.objectContaining({ code: 'invalid_date' }));
  });

  it('accepts a leap day', () => {
    expect(parseDateKey('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 });
  });
});

describe('day boundaries', () => {
  it.each([
    ['2026-10-08T03:00:00Z', SH, '2026-10-07T16:00:00.000Z'],
    ['2026-10-07T15:59:00Z', SH, '2026-10-06T16:00:00.000Z'],
    ['2026-03-08T15:00:00Z', NY, '2026-03-08T05:00:00.000Z'], // midnight before the jump is EST
    ['2026-11-01T15:00:00Z', NY, '2026-11-01T04:00:00.000Z'], // midnight before the fall-back is EDT
    ['2018-11-04T12:00:00Z', 'America/Sao_Paulo', '2018-11-04T03:00:00.000Z'], // day starts at 01:00
  ])('start of the day of %s in %s', (iso, tz, expected) => {
    expect(startOfLocalDay(d(iso), tz).toISOString()).toBe(expected);
  });

  it.each([
    ['2026-10-08', SH, '2026-10-08T16:00:00.000Z'],
    ['2026-12-31', SH, '2026-12-31T16:00:00.000Z'],
    ['2028-02-28', SH, '2028-02-28T16:00:00.000Z'],
    ['2028-02-29', UTC, '2028-03-01T00:00:00.000Z'],
    ['2026-03-07', NY, '2026-03-08T05:00:00.000Z'],
    ['2026-03-08', NY, '2026-03-09T04:00:00.000Z'], // a 23-hour day
    ['2026-10-31', NY, '2026-11-01T04:00:00.000Z'],
  ])('end of %s in %s is the next local midnight', (key, tz, expected) => {
    expect(endOfLocalDate(key, tz).toISOString()).toBe(expected);
    expect(startOfLocalDate(addDaysToDateKey(key, 1), tz).toISOString()).toBe(expected);
  });

  it('the end of a date is exclusive: its last millisecond is still that date', () => {
    const end = endOfLocalDate('2026-10-08', SH);
    expect(localDateKey(new Date(end.getTime() - 1), SH)).toBe('2026-10-08');
    expect(localDateKey(end, SH)).toBe('2026-10-09');
  });
});

describe('addLocalDays keeps the wall-clock time', () => {
  it.each([
    ['2026-03-07T14:00:00Z', NY, 1, '2026-03-08T13:00:00.000Z'], // 09:00 EST → 09:00 EDT, 23 h later
    ['2026-10-31T13:00:00Z', NY, 1, '2026-11-01T14:00:00.000Z'], // 09:00 EDT → 09:00 EST, 25 h later
    ['2026-03-07T07:30:00Z', NY, 1, '2026-03-08T07:30:00.000Z'], // 02:30 does not exist → 03:30 EDT
    ['2028-02-28T02:00:00Z', SH, 1, '2028-02-29T02:00:00.000Z'],
    ['2028-02-28T02:00:00Z', SH, 2, '2028-03-01T02:00:00.000Z'],
    ['2026-01-31T01:00:00Z', SH, 1, '2026-02-01T01:00:00.000Z'],
    ['2026-03-01T01:00:00Z', SH, -1, '2026-02-28T01:00:00.000Z'],
    ['2027-02-28T10:00:00Z', UTC, 1, '2027-03-01T10:00:00.000Z'],
    ['2026-12-31T20:00:00Z', SH, 3, '2027-01-03T20:00:00.000Z'], // 1 Jan 04:00 local → 4 Jan 04:00
  ])('%s in %s %i days', (iso, tz, days, expected) => {
    expect(addLocalDays(d(iso), days, tz).toISOString()).toBe(expected);
  });
});

describe('week and month starts', () => {
  it.each([
    ['2026-10-04T04:00:00Z', SH, '2026-09-27T16:00:00.000Z'], // Sunday noon → Monday 28 Sep
    ['2026-10-04T16:30:00Z', SH, '2026-10-04T16:00:00.000Z'], // already Monday 00:30 in Shanghai
    ['2026-10-04T16:30:00Z', UTC, '2026-09-28T00:00:00.000Z'], // still Sunday in UTC
    ['2026-03-10T12:00:00Z', NY, '2026-03-09T04:00:00.000Z'],
    ['2026-03-08T12:00:00Z', NY, '2026-03-02T05:00:00.000Z'], // Sunday of the change: Monday was EST
    ['2028-03-01T04:00:00Z', SH, '2028-02-27T16:00:00.000Z'],
  ])('week of %s in %s starts %s', (iso, tz, expected) => {
    expect(startOfLocalWeek(d(iso), tz).toISOString()).toBe(expected);
  });

  it.each([
    ['2026-10-31T16:30:00Z', SH, '2026-10-31T16:00:00.000Z'], // 1 Nov 00:30 local
    ['2026-10-31T16:30:00Z', UTC, '2026-10-01T00:00:00.000Z'],
    ['2026-11-15T12:00:00Z', NY, '2026-11-01T04:00:00.000Z'], // 1 Nov began in EDT
    ['2028-02-29T10:00:00Z', SH, '2028-01-31T16:00:00.000Z'],
  ])('month of %s in %s starts %s', (iso, tz, expected) => {
    expect(startOfLocalMonth(d(iso), tz).toISOString()).toBe(expected);
  });
});

describe('clock times', () => {
  it.each([
    ['07:30', 450],
    ['00:00', 0],
    ['23:59', 1439],
    ['08:30', 510],
  ])('%s is %i minutes', (text, minutes) => {
    expect(parseClockTime(text)).toBe(minutes);
  });

  it.each(['24:00', '7:30', '07:60', '0730', ''])('rejects %j', (text) => {
    expect(() => parseClockTime(text)).toThrow(expect.objectContaining({ code: 'invalid_clock_time' }));
  });

  it.each([
    ['2026-10-07T23:30:00Z', SH, 450],
    ['2026-10-07T23:30:00Z', UTC, 1410],
    ['2026-03-08T07:30:00Z', NY, 210], // 03:30 EDT on the short day
  ])('%s in %s is %i minutes past local midnight', (iso, tz, minutes) => {
    expect(minutesSinceLocalMidnight(d(iso), tz)).toBe(minutes);
  });

  it.each([
    ['2026-10-08', 450, SH, '2026-10-07T23:30:00.000Z'],
    ['2026-10-08', 1320, SH, '2026-10-08T14:00:00.000Z'],
    ['2026-03-08', 150, NY, '2026-03-08T07:30:00.000Z'], // 02:30 skipped → 03:30 EDT
  ])('%s at minute %i in %s', (key, minutes, tz, expected) => {
    expect(atLocalClockTime(key, minutes, tz).toISOString()).toBe(expected);
  });
});

describe('localParts agrees with Intl at every instant (the remembered offsets are an optimisation only)', () => {
  const intlParts = (instant: Date, tz: string) => {
    const fields: Record<string, string> = {};
    const format = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
    for (const part of format.formatToParts(instant)) fields[part.type] = part.value;
    const weekdays: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
    return { year: Number(fields.year), month: Number(fields.month), day: Number(fields.day), hour: Number(fields.hour), minute: Number(fields.minute), second: Number(fields.second), millisecond: ((instant.getTime() % 1000) + 1000) % 1000, weekday: weekdays[fields.weekday!] };
  };
  // Zones with summer time, half- and quarter-hour offsets, a 30-minute shift (Lord Howe), and
  // local mean time before 1900 (offsets with seconds, changing at odd instants).
  const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns', 'Europe/Amsterdam', 'UTC'];

  it('around each of the zone\'s offset changes, to the second, and at random instants 1850-2100', () => {
    let seed = 20261128;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (const tz of zones) {
      const instants: number[] = [];
      for (let i = 0; i < 400; i += 1) instants.push(Date.UTC(1850, 0, 1) + Math.floor(random() * (Date.UTC(2100, 0, 1) - Date.UTC(1850, 0, 1))));
      // Offset changes in 2024-2026 and 1890-1920, found week by week and pinned to the millisecond:
      // the instants either side of each, and of the quarter hours around it.
      const offset = (ms: number) => {
        const p = intlParts(new Date(ms), tz);
        return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millisecond) - ms;
      };
      for (const [from, to] of [[Date.UTC(2024, 0, 1), Date.UTC(2027, 0, 1)], [Date.UTC(1890, 0, 1), Date.UTC(1920, 0, 1)]] as const) {
        for (let t = from; t < to; t += 7 * 86_400_000) {
          let [low, high] = [t, t + 7 * 86_400_000];
          if (offset(low) === offset(high)) continue;
          while (high - low > 1) {
            const middle = Math.floor((low + high) / 2);
            if (offset(middle) === offset(low)) low = middle;
            else high = middle;
          }
          const quarter = Math.floor(high / 900_000) * 900_000;
          instants.push(low, high, high + 1, quarter - 1, quarter, quarter + 899_999, quarter + 900_000, high - 3_600_000, high + 3_600_000);
        }
      }
      for (const ms of instants) expect(localParts(new Date(ms), tz), `${tz} at ${new Date(ms).toISOString()}`).toEqual(intlParts(new Date(ms), tz));
    }
    // Tens of thousands of Intl formats: 6.6 s on its own on a slow 2-core machine (2026-11-28),
    // past vitest's 5 s default.
  }, 60_000);
});
