import { describe, expect, it } from 'vitest';
import { addWorkingDays, createCalendar, isWorkingDay } from '../../src/domain/calendar.js';
import { DomainError } from '../../src/domain/errors.js';
import { testCalendar2026 as cal } from './fixtures/calendar.js';

const SH = 'Asia/Shanghai';

describe('isWorkingDay', () => {
  it.each([
    ['2026-10-01', 'Thu, National Day', false, false],
    ['2026-10-05', 'Mon, inside the holiday', false, false],
    ['2026-10-08', 'Thu, last holiday', false, false],
    ['2026-10-09', 'Fri after the holiday', true, false],
    ['2026-10-10', 'Sat, make-up day', true, false],
    ['2026-10-11', 'Sun', false, false],
    ['2026-09-26', 'Sat', false, false],
    ['2026-09-27', 'Sun, make-up day', true, false],
    ['2026-09-28', 'Mon', true, false],
    ['2026-01-04', 'Sun, make-up day', true, false],
    ['2026-12-31', 'Thu, last day of the data', true, false],
    ['2027-01-01', 'Fri beyond the data: weekdays assumed working', true, true],
    ['2027-10-01', 'Fri beyond the data', true, true],
    ['2027-10-02', 'Sat beyond the data', false, true],
  ])('%s (%s) → working %s, beyond %s', (key, _what, working, beyondData) => {
    expect(isWorkingDay(key, cal)).toEqual({ working, beyondData });
  });
});

describe('addWorkingDays', () => {
  it.each([
    // start, zone, n, expected, beyondData, why
    ['2026-09-30T02:00:00Z', SH, 3, '2026-10-12T02:00:00.000Z', false, 'Wed 10:00 → Fri 9, Sat 10 (make-up), Mon 12'],
    ['2026-09-25T07:00:00Z', SH, 3, '2026-09-29T07:00:00.000Z', false, 'Fri 15:00 → Sun 27 (make-up), Mon, Tue'],
    ['2026-11-06T01:30:00Z', SH, 3, '2026-11-11T01:30:00.000Z', false, 'Fri 09:30 over a plain weekend → Wed'],
    ['2026-11-07T12:00:00Z', SH, 3, '2026-11-11T12:00:00.000Z', false, 'Sat 20:00 → Mon, Tue, Wed'],
    ['2026-11-09T00:00:00Z', SH, 3, '2026-11-12T00:00:00.000Z', false, 'Mon 08:00: the start day does not count'],
    ['2026-12-30T02:00:00Z', SH, 3, '2027-01-04T02:00:00.000Z', true, 'Wed → Thu 31, Fri 1 Jan 2027 (no data), Mon 4'],
    ['2026-09-29T16:30:00Z', SH, 1, '2026-10-08T16:30:00.000Z', false, 'Wed 30 Sep 00:30 local → Fri 9 Oct 00:30'],
    ['2026-09-29T16:30:00Z', 'UTC', 1, '2026-09-30T16:30:00.000Z', false, 'the same instant is Tue 29 Sep in UTC'],
    ['2026-03-06T14:00:00Z', 'America/New_York', 1, '2026-03-09T13:00:00.000Z', false, 'Fri 09:00 EST → Mon 09:00 EDT'],
    ['2026-10-09T03:00:00Z', SH, 0, '2026-10-09T03:00:00.000Z', false, 'n = 0 is the instant itself'],
  ])('%s in %s + %i working days', (start, tz, n, expected, beyondData) => {
    const result = addWorkingDays(new Date(start), n, tz, cal);
    expect(result.at.toISOString()).toBe(expected);
    expect(result.beyondData).toBe(beyondData);
  });

  it.each([-1, 1.5])('rejects n = %s', (n) => {
    expect(() => addWorkingDays(new Date('2026-10-09T03:00:00Z'), n, SH, cal)).toThrow(RangeError);
  });
});

describe('createCalendar', () => {
  it.each([
    [{ holidays: ['2026-10-32'], makeupWorkdays: [], lastYear: 2026 }, 'bad date'],
    [{ holidays: ['2026-10-10'], makeupWorkdays: ['2026-10-10'], lastYear: 2026 }, 'holiday and make-up'],
    [{ holidays: ['2027-01-01'], makeupWorkdays: [], lastYear: 2026 }, 'after lastYear'],
    [{ holidays: [], makeupWorkdays: [], lastYear: 2026.5 }, 'fractional year'],
  ])('rejects %j (%s)', (data) => {
    expect(() => createCalendar(data)).toThrow(DomainError);
    expect(() => createCalendar(data)).toThrow(expect.objectContaining({ code: 'calendar_data_invalid' }));
  });
});
