import { beforeAll, describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../../src/calendar/load.js';
import { computeClock } from '../../src/domain/clocks.js';
import type { WorkingCalendar } from '../../src/domain/calendar.js';
import { isWorkingDay } from '../../src/domain/calendar.js';
import { policySchema } from '../../src/domain/policy.js';

const TZ = 'Asia/Shanghai';
const workingDays = policySchema.parse({ calendar: 'working_days' });
const calendarDays = policySchema.parse({});

/** An inquiry confirmed 属实: the 3-day authoritative-answer clock applies (notice §3.4). */
function answerDue(discovered: string, policy = workingDays, calendar?: WorkingCalendar) {
  const at = new Date(discovered);
  const view = computeClock(
    'answer',
    { level: 'general', kind: 'inquiry', registeredAt: at, discoveredAt: at, verification: { outcome: 'true', rectificationNeeded: false, verifiedAt: at } },
    { policy, tz: TZ, calendar },
  );
  return view && { due: view.due.toISOString(), beyond: view.beyondCalendarData };
}

describe('the shipped State Council calendar', () => {
  let calendar: WorkingCalendar;
  beforeAll(async () => {
    calendar = await loadWorkingCalendar();
  });

  it.each([
    ['2026-02-14', true], // Saturday, 调休 working day before Spring Festival
    ['2026-02-15', false],
    ['2026-02-23', false], // Monday inside the holiday
    ['2026-02-24', true],
    ['2026-02-28', true], // Saturday make-up
    ['2026-09-20', true], // Sunday make-up before National Day
    ['2026-10-07', false],
    ['2026-10-10', true], // Saturday make-up
    ['2026-10-11', false], // an ordinary Sunday
    ['2025-01-26', true],
    ['2025-10-08', false],
  ])('%s is a working day: %s', (day, working) => {
    expect(isWorkingDay(day, calendar)).toEqual({ working, beyondData: false });
  });

  it.each([
    // Friday before Spring Festival: Sat 14 (make-up) is day 1, then Tue 24 and Wed 25.
    ['2026-02-13T02:00:00Z', '2026-02-25T02:00:00.000Z', false],
    // Before National Day: Wed 30 Sep, then Thu 8 and Fri 9 October.
    ['2026-09-29T07:00:00Z', '2026-10-09T07:00:00.000Z', false],
    // An ordinary week: Thursday → Friday, Monday, Tuesday.
    ['2026-11-26T01:30:00Z', '2026-12-01T01:30:00.000Z', false],
    // New Year's Eve 2026: 2027 is beyond the data, weekends only, and the card is told.
    ['2026-12-31T01:00:00Z', '2027-01-05T01:00:00.000Z', true],
    // Late evening local time crossing the date line in UTC: counted in Shanghai days.
    ['2026-11-26T15:30:00Z', '2026-12-01T15:30:00.000Z', false], // Thu 23:30 → Fri, Mon, Tue 23:30
  ])('an answer discovered %s is due %s in working-day mode', (discovered, due, beyond) => {
    expect(answerDue(discovered, workingDays, calendar)).toEqual({ due, beyond });
  });

  it('calendar mode counts 72 hours through the holiday', () => {
    expect(answerDue('2026-02-13T02:00:00Z', calendarDays)).toEqual({ due: '2026-02-16T02:00:00.000Z', beyond: false });
  });
});
