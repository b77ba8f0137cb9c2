import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Level } from '../../src/domain/clocks.js';
import { ladderThroughNextRepeat, overdueIndex, pendingReminders, reminderSchedule, type ReminderStep } from '../../src/domain/ladder.js';
import { defaultPolicy, policySchema, type Policy } from '../../src/domain/policy.js';

const SH = 'Asia/Shanghai';
const d = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

/** [step, send time, held for quiet hours] — the shape every table below checks. */
const brief = (steps: ReminderStep[]) => steps.map((s) => [s.step, s.at.toISOString(), s.heldForQuietHours] as const);

function schedule(start: string, due: string, level: Level, horizonHoursAfterDue: number, policy: Policy = defaultPolicy) {
  return reminderSchedule(
    { start: d(start), due: d(due) },
    { level, policy, tz: SH, horizon: new Date(d(due).getTime() + horizonHoursAfterDue * HOUR) },
  );
}

describe('reminderSchedule: times (local Shanghai times in comments)', () => {
  it.each([
    [
      'general verify Mon 10:00 → Tue 10:00: night steps wait for 07:30, repeats at +12/24/48 h then every 48 h',
      '2026-11-09T02:00:00Z', '2026-11-10T02:00:00Z', 'general', 240,
      [
        ['half', '2026-11-09T23:30:00.000Z', true], // Mon 22:00 → Tue 07:30
        ['due_soon', '2026-11-10T00:00:00.000Z', false], // Tue 08:00
        ['due', '2026-11-10T02:00:00.000Z', false],
        ['overdue', '2026-11-10T02:00:00.000Z', false],
        ['overdue_repeat_1', '2026-11-10T23:30:00.000Z', true], // Tue 22:00 → Wed 07:30
        ['overdue_repeat_2', '2026-11-11T02:00:00.000Z', false], // +24 h
        ['overdue_repeat_3', '2026-11-12T02:00:00.000Z', false], // +48 h
        ['overdue_repeat_4', '2026-11-14T02:00:00.000Z', false], // +96 h
        ['overdue_repeat_5', '2026-11-16T02:00:00.000Z', false], // +144 h
        ['overdue_repeat_6', '2026-11-18T02:00:00.000Z', false], // +192 h
        ['overdue_repeat_7', '2026-11-20T02:00:00.000Z', false], // +240 h = horizon, inclusive
      ],
    ],
    [
      'major verify, same clock: never held at night',
      '2026-11-09T02:00:00Z', '2026-11-10T02:00:00Z', 'major', 24,
      [
        ['half', '2026-11-09T14:00:00.000Z', false], // Mon 22:00
        ['due_soon', '2026-11-10T00:00:00.000Z', false],
        ['due', '2026-11-10T02:00:00.000Z', false],
        ['overdue', '2026-11-10T02:00:00.000Z', false],
        ['overdue_repeat_1', '2026-11-10T14:00:00.000Z', false], // Tue 22:00
        ['overdue_repeat_2', '2026-11-11T02:00:00.000Z', false],
      ],
    ],
    [
      'general ack Mon 21:00 → 23:00: due tonight, so the night steps go at once; a 2 h clock is due soon 30 min before',
      '2026-11-09T13:00:00Z', '2026-11-09T15:00:00Z', 'general', 48,
      [
        ['half', '2026-11-09T14:00:00.000Z', false], // 22:00, sent
        ['due_soon', '2026-11-09T14:30:00.000Z', false], // 22:30, sent
        ['due', '2026-11-09T15:00:00.000Z', false],
        ['overdue', '2026-11-09T15:00:00.000Z', false],
        ['overdue_repeat_1', '2026-11-10T03:00:00.000Z', false], // Tue 11:00
        ['overdue_repeat_2', '2026-11-10T23:30:00.000Z', true], // Tue 23:00 → Wed 07:30: due was last night
        ['overdue_repeat_3', '2026-11-11T23:30:00.000Z', true], // Wed 23:00 → Thu 07:30
      ],
    ],
    [
      'general verify due Tue 08:29: due before 08:30, the 06:29 due-soon is sent at night',
      '2026-11-09T00:29:00Z', '2026-11-10T00:29:00Z', 'general', 0,
      [
        ['half', '2026-11-09T12:29:00.000Z', false], // Mon 20:29
        ['due_soon', '2026-11-09T22:29:00.000Z', false], // Tue 06:29, sent
        ['due', '2026-11-10T00:29:00.000Z', false],
        ['overdue', '2026-11-10T00:29:00.000Z', false],
      ],
    ],
    [
      'general verify due Tue 08:30 exactly: the 06:30 due-soon waits for 07:30',
      '2026-11-09T00:30:00Z', '2026-11-10T00:30:00Z', 'general', 0,
      [
        ['half', '2026-11-09T12:30:00.000Z', false],
        ['due_soon', '2026-11-09T23:30:00.000Z', true], // Tue 06:30 → 07:30
        ['due', '2026-11-10T00:30:00.000Z', false],
        ['overdue', '2026-11-10T00:30:00.000Z', false],
      ],
    ],
    [
      'general verify due Tue 07:30: a 05:30 due-soon due before 08:30 goes at once',
      '2026-11-08T23:30:00Z', '2026-11-09T23:30:00Z', 'general', 0,
      [
        ['half', '2026-11-09T11:30:00.000Z', false], // Mon 19:30
        ['due_soon', '2026-11-09T21:30:00.000Z', false], // Tue 05:30
        ['due', '2026-11-09T23:30:00.000Z', false],
        ['overdue', '2026-11-09T23:30:00.000Z', false],
      ],
    ],
    [
      'critical ack Mon 23:00 → 23:30: 30 min threshold equals the clock, so no due-soon; never held',
      '2026-11-09T15:00:00Z', '2026-11-09T15:30:00Z', 'critical', 12,
      [
        ['half', '2026-11-09T15:15:00.000Z', false],
        ['due', '2026-11-09T15:30:00.000Z', false],
        ['overdue', '2026-11-09T15:30:00.000Z', false],
        ['overdue_repeat_1', '2026-11-10T03:30:00.000Z', false],
      ],
    ],
    [
      'major ack 1 h: due-soon (30 min before) and half coincide, due-soon reaches the liaisons too',
      '2026-11-09T02:00:00Z', '2026-11-09T03:00:00Z', 'major', 0,
      [
        ['due_soon', '2026-11-09T02:30:00.000Z', false],
        ['due', '2026-11-09T03:00:00.000Z', false],
        ['overdue', '2026-11-09T03:00:00.000Z', false],
      ],
    ],
    [
      'general 3 h clock: due-soon (2 h before) comes before half, which then adds nothing',
      '2026-11-09T02:00:00Z', '2026-11-09T05:00:00Z', 'general', 0,
      [
        ['due_soon', '2026-11-09T03:00:00.000Z', false],
        ['due', '2026-11-09T05:00:00.000Z', false],
        ['overdue', '2026-11-09T05:00:00.000Z', false],
      ],
    ],
    [
      'horizon before the first repeat: no repeats yet',
      '2026-11-09T02:00:00Z', '2026-11-10T02:00:00Z', 'major', 11,
      [
        ['half', '2026-11-09T14:00:00.000Z', false],
        ['due_soon', '2026-11-10T00:00:00.000Z', false],
        ['due', '2026-11-10T02:00:00.000Z', false],
        ['overdue', '2026-11-10T02:00:00.000Z', false],
      ],
    ],
  ] as const)('%s', (_name, start, due, level, horizon, expected) => {
    expect(brief(schedule(start, due, level, horizon))).toEqual(expected);
  });
});

describe('reminderSchedule: audience, urgency and channel', () => {
  it.each([
    // level, step, audience, urgentFor, channel
    ['general', 'half', ['lead_liaisons'], [], 'card_reply'],
    ['general', 'due_soon', ['lead_liaisons', 'lead_leaders'], [], 'card_reply'],
    ['general', 'due', ['lead_leaders', 'news_office'], [], 'card_reply'],
    ['general', 'overdue', ['county_leaders_overseeing', 'propaganda', 'news_office'], [], 'direct'],
    ['general', 'overdue_repeat_1', ['county_leaders_overseeing', 'propaganda', 'news_office'], [], 'direct'],
    ['major', 'half', ['lead_liaisons'], [], 'card_reply'],
    ['major', 'due_soon', ['lead_liaisons', 'lead_leaders'], ['lead_leaders'], 'card_reply'],
    ['major', 'due', ['lead_leaders', 'news_office'], [], 'card_reply'],
    ['major', 'overdue', ['county_leaders_overseeing', 'propaganda', 'news_office'], ['county_leaders_overseeing', 'propaganda', 'news_office'], 'direct'],
    ['critical', 'due_soon', ['lead_liaisons', 'lead_leaders'], ['lead_leaders'], 'card_reply'],
    ['critical', 'overdue_repeat_1', ['county_leaders_overseeing', 'propaganda', 'news_office'], ['county_leaders_overseeing', 'propaganda', 'news_office'], 'direct'],
  ] as const)('%s %s', (level, step, audience, urgentFor, channel) => {
    const found = schedule('2026-11-09T02:00:00Z', '2026-11-10T02:00:00Z', level, 12).find((s) => s.step === step);
    expect(found).toMatchObject({ audience, urgentFor, urgent: urgentFor.length > 0, channel });
  });
});

describe('reminderSchedule: policy', () => {
  it('skips the half step when half_elapsed is off', () => {
    const policy = policySchema.parse({ reminders: { half_elapsed: false } });
    expect(schedule('2026-11-09T02:00:00Z', '2026-11-10T02:00:00Z', 'major', 0, policy).map((s) => s.step)).toEqual([
      'due_soon',
      'due',
      'overdue',
    ]);
  });

  it('holds nothing when quiet hours are off', () => {
    const policy = policySchema.parse({ quiet_hours: { enabled: false } });
    const steps = schedule('2026-11-09T02:00:00Z', '2026-11-10T02:00:00Z', 'general', 12, policy);
    expect(steps.every((s) => !s.heldForQuietHours && s.at.getTime() === s.scheduledAt.getTime())).toBe(true);
    expect(steps[0]?.at.toISOString()).toBe('2026-11-09T14:00:00.000Z');
  });

  it('uses configured thresholds, repeats and quiet hours', () => {
    const policy = policySchema.parse({
      reminders: { due_soon: '4h', overdue_repeat_after: ['6h'], overdue_repeat_every: '1d' },
      quiet_hours: { start: '21:00', end: '08:00', unless_due_before: '09:00' },
    });
    // Half (Mon 22:00) and due-soon (Tue 06:00) both wait for 08:00; due-soon reaches the liaisons too.
    expect(brief(schedule('2026-11-09T02:00:00Z', '2026-11-10T02:00:00Z', 'general', 54, policy))).toEqual([
      ['due_soon', '2026-11-10T00:00:00.000Z', true],
      ['due', '2026-11-10T02:00:00.000Z', false],
      ['overdue', '2026-11-10T02:00:00.000Z', false],
      ['overdue_repeat_1', '2026-11-10T08:00:00.000Z', false], // +6 h, Tue 16:00
      ['overdue_repeat_2', '2026-11-11T08:00:00.000Z', false], // +30 h
      ['overdue_repeat_3', '2026-11-12T08:00:00.000Z', false], // +54 h = horizon
    ]);
  });

  it('a met clock has nothing left to remind', () => {
    const clock = { start: d('2026-11-09T02:00:00Z'), due: d('2026-11-10T02:00:00Z'), metAt: d('2026-11-09T05:00:00Z') };
    const opts = { level: 'general' as const, policy: defaultPolicy, tz: SH, horizon: d('2026-12-01T00:00:00Z') };
    expect(reminderSchedule(clock, opts)).toEqual([]);
    expect(pendingReminders(clock, { ...opts, now: d('2026-11-09T06:00:00Z') })).toEqual([]);
  });
});

describe('pendingReminders: steps already past collapse into the latest', () => {
  // general respond clock: discovered Sat 10:00, due Mon 10:00 local
  const clock = { start: d('2026-11-07T02:00:00Z'), due: d('2026-11-09T02:00:00Z') };
  const pending = (level: Level, now: string, horizon: string, c = clock) =>
    brief(pendingReminders(c, { level, policy: defaultPolicy, tz: SH, horizon: d(horizon), now: d(now) }));

  it.each([
    [
      'registered Mon 07:00 past the half step: it is sent, but waits for 07:30',
      'general', '2026-11-08T23:00:00Z', '2026-11-09T02:00:00Z',
      [
        ['half', '2026-11-08T23:30:00.000Z', true],
        ['due_soon', '2026-11-09T00:00:00.000Z', false],
        ['due', '2026-11-09T02:00:00.000Z', false],
        ['overdue', '2026-11-09T02:00:00.000Z', false],
      ],
    ],
    [
      'registered Mon 13:00, already overdue: only the overdue step, now',
      'general', '2026-11-09T05:00:00Z', '2026-11-10T02:00:00Z',
      [
        ['overdue', '2026-11-09T05:00:00.000Z', false],
        ['overdue_repeat_1', '2026-11-09T23:30:00.000Z', true], // Mon 22:00 → Tue 07:30
        ['overdue_repeat_2', '2026-11-10T02:00:00.000Z', false],
      ],
    ],
    [
      'major, 25 h overdue, horizon already passed: the 24 h repeat now; later repeats wait for a later horizon',
      'major', '2026-11-10T03:00:00Z', '2026-11-09T00:00:00Z',
      [['overdue_repeat_2', '2026-11-10T03:00:00.000Z', false]],
    ],
    [
      'nothing past yet: the whole ladder',
      'major', '2026-11-07T03:00:00Z', '2026-11-09T02:00:00Z',
      [
        ['half', '2026-11-08T02:00:00.000Z', false],
        ['due_soon', '2026-11-09T00:00:00.000Z', false],
        ['due', '2026-11-09T02:00:00.000Z', false],
        ['overdue', '2026-11-09T02:00:00.000Z', false],
      ],
    ],
  ] as const)('%s', (_name, level, now, horizon, expected) => {
    expect(pending(level, now, horizon)).toEqual(expected);
  });

  it('a past step caught up at 03:00 goes at once when the clock falls due that night', () => {
    // discovered Sun 03:30 local, registered Wed 03:00 local, respond due Wed 03:30 local
    const night = { start: d('2026-11-08T19:30:00Z'), due: d('2026-11-10T19:30:00Z') };
    expect(pending('general', '2026-11-10T19:00:00Z', '2026-11-10T19:30:00Z', night)).toEqual([
      ['due_soon', '2026-11-10T19:00:00.000Z', false],
      ['due', '2026-11-10T19:30:00.000Z', false],
      ['overdue', '2026-11-10T19:30:00.000Z', false],
    ]);
  });

  it('keeps the original ladder time of a caught-up step', () => {
    const [first] = pendingReminders(clock, {
      level: 'major',
      policy: defaultPolicy,
      tz: SH,
      horizon: clock.due,
      now: d('2026-11-09T01:00:00Z'),
    });
    expect(first?.step).toBe('due_soon');
    expect(first?.scheduledAt.toISOString()).toBe('2026-11-09T00:00:00.000Z');
    expect(first?.at.toISOString()).toBe('2026-11-09T01:00:00.000Z');
    expect(first?.urgentFor).toEqual(['lead_leaders']);
  });
});

describe('ladderThroughNextRepeat: what is stored as rows', () => {
  const verify = { start: d('2026-11-09T02:00:00Z'), due: d('2026-11-10T02:00:00Z') };

  it('before the due time: the steps up to the first repeat, no further', () => {
    expect(brief(ladderThroughNextRepeat(verify, { level: 'general', policy: defaultPolicy, tz: SH, after: verify.due }))).toEqual([
      ['half', '2026-11-09T23:30:00.000Z', true],
      ['due_soon', '2026-11-10T00:00:00.000Z', false],
      ['due', '2026-11-10T02:00:00.000Z', false],
      ['overdue', '2026-11-10T02:00:00.000Z', false],
      ['overdue_repeat_1', '2026-11-10T23:30:00.000Z', true],
    ]);
  });

  it('long overdue: through the first repeat sent strictly after `after`, numbered as in the whole ladder', () => {
    const steps = ladderThroughNextRepeat(verify, { level: 'general', policy: defaultPolicy, tz: SH, after: d('2026-11-16T02:00:00Z') });
    // +144 h falls exactly at `after`, so the next one (+192 h) ends the list.
    expect(brief(steps.slice(-2))).toEqual([
      ['overdue_repeat_5', '2026-11-16T02:00:00.000Z', false],
      ['overdue_repeat_6', '2026-11-18T02:00:00.000Z', false],
    ]);
  });

  it('is always a prefix of the whole ladder ending at its first repeat after `after` (random clocks and policies)', () => {
    // Repeats no closer than an hour: the ladder is quadratic in its length (dropSuperseded), and
    // policies repeat every few hours at most.
    const minutes = (max: number, min = 1) => fc.integer({ min, max });
    fc.assert(
      fc.property(
        fc.record({
          start: fc.integer({ min: 0, max: 30 * 24 * 60 }),
          length: minutes(5 * 24 * 60),
          afterDue: fc.integer({ min: -3 * 24 * 60, max: 20 * 24 * 60 }),
          level: fc.constantFrom<Level>('general', 'major', 'critical'),
          repeatAfter: fc.array(minutes(3 * 24 * 60, 30), { minLength: 1, maxLength: 4 }),
          every: minutes(3 * 24 * 60, 60),
          dueSoon: minutes(6 * 60),
          quiet: fc.boolean(),
        }),
        (c) => {
          const policy = policySchema.parse({ reminders: { due_soon: c.dueSoon, overdue_repeat_after: c.repeatAfter, overdue_repeat_every: c.every }, quiet_hours: { enabled: c.quiet } });
          const start = new Date(Date.UTC(2026, 10, 1) + c.start * 60_000);
          const clock = { start, due: new Date(start.getTime() + c.length * 60_000) };
          const after = new Date(Math.max(clock.due.getTime(), clock.due.getTime() + c.afterDue * 60_000));
          const opts = { level: c.level, policy, tz: SH };
          const lazy = ladderThroughNextRepeat(clock, { ...opts, after });
          // The whole ladder far enough out that nothing near `after` depends on where it stops.
          const whole = reminderSchedule(clock, { ...opts, horizon: new Date(after.getTime() + 40 * 24 * HOUR) });
          const last = lazy.at(-1)!;
          expect(overdueIndex(last.step)).toBeGreaterThan(0);
          expect(last.at.getTime()).toBeGreaterThan(after.getTime());
          expect(lazy).toEqual(whole.slice(0, lazy.length));
          // No repeat in between is sent after `after`: `last` is the first such.
          expect(lazy.slice(0, -1).filter((s) => (overdueIndex(s.step) ?? 0) > 0 && s.at > after)).toEqual([]);
        },
      ),
      { seed: 20261127, numRuns: 300 },
    );
  });
});
