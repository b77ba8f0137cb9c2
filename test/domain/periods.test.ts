import { describe, expect, it } from 'vitest';
import { lastCompletePeriod, periodContaining, previousPeriod } from '../../src/domain/periods.js';

const TZ = 'Asia/Shanghai';
const iso = (d: Date) => d.toISOString();

describe('report periods in Asia/Shanghai', () => {
  it.each([
    // Friday 27 Nov 2026 10:00 local
    ['weekly', '2026-11-27T02:00:00Z', '2026-11-22T16:00:00.000Z', '2026-11-29T16:00:00.000Z', '2026年11月23日—11月29日'],
    ['monthly', '2026-11-27T02:00:00Z', '2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z', '2026年11月'],
    ['daily', '2026-11-27T02:00:00Z', '2026-11-26T16:00:00.000Z', '2026-11-27T16:00:00.000Z', '2026年11月27日'],
    // 00:30 local on Monday 30 Nov is still Sunday 29 Nov in UTC
    ['weekly', '2026-11-29T16:30:00Z', '2026-11-29T16:00:00.000Z', '2026-12-06T16:00:00.000Z', '2026年11月30日—12月6日'],
    // a week across the new year
    ['weekly', '2026-12-31T04:00:00Z', '2026-12-27T16:00:00.000Z', '2027-01-03T16:00:00.000Z', '2026年12月28日—2027年1月3日'],
    // February in a leap year
    ['monthly', '2028-02-15T04:00:00Z', '2028-01-31T16:00:00.000Z', '2028-02-29T16:00:00.000Z', '2028年2月'],
  ] as const)('%s containing %s', (kind, at, from, to, label) => {
    const period = periodContaining(kind, new Date(at), TZ);
    expect([iso(period.from), iso(period.to), period.label]).toEqual([from, to, label]);
  });

  it.each([
    ['daily', '2026-11-27T02:00:00Z', '11月27日'],
    ['weekly', '2026-11-27T02:00:00Z', '11.23—11.29'],
    ['weekly', '2026-12-31T04:00:00Z', '12.28—1.3'],
    ['monthly', '2026-11-27T02:00:00Z', '2026年11月'],
  ] as const)('the chart label of the %s period containing %s', (kind, at, short) => {
    expect(periodContaining(kind, new Date(at), TZ).shortLabel).toBe(short);
  });

  it('the previous month and the last complete week', () => {
    const month = periodContaining('monthly', new Date('2026-03-10T04:00:00Z'), TZ);
    expect(previousPeriod(month, TZ).label).toBe('2026年2月');
    const week = lastCompletePeriod('weekly', new Date('2026-11-30T01:00:00Z'), TZ); // Monday 09:00
    expect(week.label).toBe('2026年11月23日—11月29日');
  });
});
