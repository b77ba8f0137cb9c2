import { describe, expect, it } from 'vitest';
import {
  applicableClocks,
  clockStatus,
  computeClock,
  effectiveDue,
  type ClockKind,
  type ItemFacts,
  type Verification,
} from '../../src/domain/clocks.js';
import { CHANNELS, isOnline } from '../../src/domain/channels.js';
import { DomainError } from '../../src/domain/errors.js';
import { defaultPolicy, policySchema } from '../../src/domain/policy.js';
import { testCalendar2026 } from './fixtures/calendar.js';

const SH = 'Asia/Shanghai';
const d = (iso: string) => new Date(iso);
const ctx = { policy: defaultPolicy, tz: SH };

// Mon 9 Nov 2026: discovered 08:00, registered 10:00, verified 14:00 (Shanghai).
const R = '2026-11-09T02:00:00Z';
const base: ItemFacts = {
  level: 'general',
  kind: 'opinion',
  registeredAt: d(R),
  discoveredAt: d('2026-11-09T00:00:00Z'),
  acknowledgedAt: d('2026-11-09T02:20:00Z'),
  verification: { outcome: 'partly', rectificationNeeded: true, rectifyBy: '2026-11-20', verifiedAt: d('2026-11-09T06:00:00Z') },
  publications: [{ channel: 'weibo', at: d('2026-11-10T01:00:00Z') }], // not a press conference
};

describe('every clock × level × kind', () => {
  // Hand-computed from DESIGN.md §1a defaults. null: the clock does not apply.
  it.each([
    ['ack', 'critical', 'opinion', R, '2026-11-09T02:30:00.000Z'],
    ['ack', 'critical', 'inquiry', R, '2026-11-09T02:30:00.000Z'],
    ['ack', 'major', 'opinion', R, '2026-11-09T03:00:00.000Z'],
    ['ack', 'major', 'inquiry', R, '2026-11-09T03:00:00.000Z'],
    ['ack', 'general', 'opinion', R, '2026-11-09T04:00:00.000Z'],
    ['ack', 'general', 'inquiry', R, '2026-11-09T04:00:00.000Z'],
    ['verify', 'critical', 'opinion', R, '2026-11-09T08:00:00.000Z'],
    ['verify', 'critical', 'inquiry', R, '2026-11-09T08:00:00.000Z'],
    ['verify', 'major', 'opinion', R, '2026-11-09T14:00:00.000Z'],
    ['verify', 'major', 'inquiry', R, '2026-11-09T14:00:00.000Z'],
    ['verify', 'general', 'opinion', R, '2026-11-10T02:00:00.000Z'],
    ['verify', 'general', 'inquiry', R, '2026-11-10T02:00:00.000Z'],
    // respond starts at discovery, not registration
    ['respond', 'critical', 'opinion', '2026-11-09T00:00:00Z', '2026-11-10T00:00:00.000Z'],
    ['respond', 'critical', 'inquiry', '2026-11-09T00:00:00Z', '2026-11-10T00:00:00.000Z'],
    ['respond', 'major', 'opinion', '2026-11-09T00:00:00Z', '2026-11-11T00:00:00.000Z'],
    ['respond', 'major', 'inquiry', '2026-11-09T00:00:00Z', '2026-11-11T00:00:00.000Z'],
    ['respond', 'general', 'opinion', '2026-11-09T00:00:00Z', '2026-11-11T00:00:00.000Z'],
    ['respond', 'general', 'inquiry', '2026-11-09T00:00:00Z', '2026-11-11T00:00:00.000Z'],
    // answer: inquiries verified 属实/部分属实 only, 72 h from discovery
    ['answer', 'critical', 'opinion', null, null],
    ['answer', 'critical', 'inquiry', '2026-11-09T00:00:00Z', '2026-11-12T00:00:00.000Z'],
    ['answer', 'major', 'opinion', null, null],
    ['answer', 'major', 'inquiry', '2026-11-09T00:00:00Z', '2026-11-12T00:00:00.000Z'],
    ['answer', 'general', 'opinion', null, null],
    ['answer', 'general', 'inquiry', '2026-11-09T00:00:00Z', '2026-11-12T00:00:00.000Z'],
    // rectify: from verification to the end of 20 Nov, Shanghai
    ['rectify', 'critical', 'opinion', '2026-11-09T06:00:00Z', '2026-11-20T16:00:00.000Z'],
    ['rectify', 'critical', 'inquiry', '2026-11-09T06:00:00Z', '2026-11-20T16:00:00.000Z'],
    ['rectify', 'major', 'opinion', '2026-11-09T06:00:00Z', '2026-11-20T16:00:00.000Z'],
    ['rectify', 'major', 'inquiry', '2026-11-09T06:00:00Z', '2026-11-20T16:00:00.000Z'],
    ['rectify', 'general', 'opinion', '2026-11-09T06:00:00Z', '2026-11-20T16:00:00.000Z'],
    ['rectify', 'general', 'inquiry', '2026-11-09T06:00:00Z', '2026-11-20T16:00:00.000Z'],
    // watch: 7 days from the response; a critical item's Weibo post does not meet respond, so no watch
    ['watch', 'critical', 'opinion', null, null],
    ['watch', 'critical', 'inquiry', null, null],
    ['watch', 'major', 'opinion', '2026-11-10T01:00:00Z', '2026-11-17T01:00:00.000Z'],
    ['watch', 'major', 'inquiry', '2026-11-10T01:00:00Z', '2026-11-17T01:00:00.000Z'],
    ['watch', 'general', 'opinion', '2026-11-10T01:00:00Z', '2026-11-17T01:00:00.000Z'],
    ['watch', 'general', 'inquiry', '2026-11-10T01:00:00Z', '2026-11-17T01:00:00.000Z'],
  ] as const)('%s / %s / %s', (kind, level, itemKind, start, due) => {
    const view = computeClock(kind, { ...base, level, kind: itemKind }, ctx);
    if (start === null) {
      expect(view).toBeUndefined();
      return;
    }
    expect(view?.start.toISOString()).toBe(d(start).toISOString());
    expect(view?.due.toISOString()).toBe(due);
    expect(view?.extendedDue).toBeUndefined();
  });

  it('discovery time defaults to registration time', () => {
    const { discoveredAt: _, ...facts } = base;
    expect(computeClock('respond', facts, ctx)?.start.toISOString()).toBe(d(R).toISOString());
  });

  it('takes durations from the policy', () => {
    const policy = policySchema.parse({ clocks: { ack: { general: '3h' }, respond: { major: '36h' }, watch: '14d' } });
    expect(computeClock('ack', base, { policy, tz: SH })?.due.toISOString()).toBe('2026-11-09T05:00:00.000Z');
    expect(computeClock('respond', { ...base, level: 'major' }, { policy, tz: SH })?.due.toISOString()).toBe(
      '2026-11-10T12:00:00.000Z',
    );
    expect(computeClock('watch', base, { policy, tz: SH })?.due.toISOString()).toBe('2026-11-24T01:00:00.000Z');
  });

  it('ends the rectification day at local midnight of the configured zone', () => {
    expect(computeClock('rectify', base, { policy: defaultPolicy, tz: 'UTC' })?.due.toISOString()).toBe(
      '2026-11-21T00:00:00.000Z',
    );
  });
});

describe('verification outcomes decide answer and rectify', () => {
  const verified = (outcome: Verification['outcome'], rectificationNeeded: boolean): Verification => ({
    outcome,
    rectificationNeeded,
    verifiedAt: d('2026-11-09T06:00:00Z'),
    ...(rectificationNeeded ? { rectifyBy: '2026-11-20' } : {}),
  });

  it.each([
    ['inquiry', verified('true', false), ['ack', 'verify', 'respond', 'answer', 'watch']],
    ['inquiry', verified('partly', true), ['ack', 'verify', 'respond', 'answer', 'rectify', 'watch']],
    ['inquiry', verified('false', false), ['ack', 'verify', 'respond', 'watch']],
    ['inquiry', verified('false', true), ['ack', 'verify', 'respond', 'rectify', 'watch']],
    ['opinion', verified('true', true), ['ack', 'verify', 'respond', 'rectify', 'watch']],
    ['opinion', verified('partly', false), ['ack', 'verify', 'respond', 'watch']],
    ['inquiry', undefined, ['ack', 'verify', 'respond', 'watch']],
  ] as const)('%s verified %j → %j', (kind, verification, expected) => {
    const { verification: _, ...rest } = base;
    const facts: ItemFacts = verification ? { ...rest, kind, verification } : { ...rest, kind };
    expect(applicableClocks(facts, ctx)).toEqual(expected);
  });

  it('no publication yet: no watch clock', () => {
    expect(applicableClocks({ ...base, publications: [] }, ctx)).toEqual(['ack', 'verify', 'respond', 'rectify']);
  });

  it('refuses a rectification without a date', () => {
    const facts: ItemFacts = {
      ...base,
      verification: { outcome: 'true', rectificationNeeded: true, verifiedAt: d('2026-11-09T06:00:00Z') },
    };
    expect(() => computeClock('rectify', facts, ctx)).toThrow(DomainError);
    expect(() => computeClock('rectify', facts, ctx)).toThrow(expect.objectContaining({ code: 'rectify_date_missing' }));
  });
});

describe('met, late and overdue', () => {
  const status = (kind: ClockKind, facts: Partial<ItemFacts>, now: string, policy = defaultPolicy) => {
    const view = computeClock(kind, { ...base, ...facts }, { policy, tz: SH });
    if (!view) throw new Error(`${kind} does not apply`);
    return clockStatus(view, d(now));
  };
  const noPressPolicy = policySchema.parse({ clocks: { critical_respond_needs_press_conference: false } });
  const pressAt = (iso: string, online?: boolean) => ({
    channel: 'press_conference' as const,
    at: d(iso),
    ...(online === undefined ? {} : { online }),
  });

  // general ack is due 2026-11-09T04:00Z; general respond 2026-11-11T00:00Z; critical respond 2026-11-10T00:00Z
  it.each([
    ['ack on time', 'ack', { acknowledgedAt: d('2026-11-09T03:59:00Z') }, '2026-11-09T12:00:00Z',
      { state: 'met', onTime: true, lateByMinutes: 0, by: { event: 'acknowledgement' } }],
    ['ack exactly at due is late (exclusive deadline)', 'ack', { acknowledgedAt: d('2026-11-09T04:00:00Z') },
      '2026-11-09T12:00:00Z', { state: 'met', onTime: false, lateByMinutes: 1 }],
    ['ack 30 s late counts one minute', 'ack', { acknowledgedAt: d('2026-11-09T04:00:30Z') }, '2026-11-09T12:00:00Z',
      { state: 'met', onTime: false, lateByMinutes: 1 }],
    ['ack 45 min late', 'ack', { acknowledgedAt: d('2026-11-09T04:45:00Z') }, '2026-11-09T12:00:00Z',
      { state: 'met', onTime: false, lateByMinutes: 45 }],
    ['ack running', 'ack', { acknowledgedAt: undefined }, '2026-11-09T03:00:00Z', { state: 'running', dueInMinutes: 60 }],
    ['ack running, 59.5 min left rounds down', 'ack', { acknowledgedAt: undefined }, '2026-11-09T03:00:30Z',
      { state: 'running', dueInMinutes: 59 }],
    ['ack overdue by 3 h', 'ack', { acknowledgedAt: undefined }, '2026-11-09T07:00:00Z',
      { state: 'overdue', overdueByMinutes: 180 }],
    ['ack recorded later than now is not yet known', 'ack', { acknowledgedAt: d('2026-11-09T05:00:00Z') },
      '2026-11-09T04:30:00Z', { state: 'overdue', overdueByMinutes: 30 }],
    ['verify met by the verification', 'verify', {}, '2026-11-09T12:00:00Z',
      { state: 'met', onTime: true, by: { event: 'verification' } }],
    ['respond met late by 2 h', 'respond', { publications: [{ channel: 'website', at: d('2026-11-11T02:00:00Z') }] },
      '2026-11-12T00:00:00Z', { state: 'met', onTime: false, lateByMinutes: 120, by: { event: 'publication', channel: 'website' } }],
    ['respond met by the earliest publication', 'respond',
      { publications: [{ channel: 'website', at: d('2026-11-10T05:00:00Z') }, { channel: 'wechat', at: d('2026-11-10T03:00:00Z') }] },
      '2026-11-12T00:00:00Z', { state: 'met', onTime: true, by: { event: 'publication', channel: 'wechat' } }],
    ['critical respond: Weibo does not count', 'respond', { level: 'critical' }, '2026-11-10T06:00:00Z',
      { state: 'overdue', overdueByMinutes: 360 }],
    ['critical respond: press conference counts', 'respond',
      { level: 'critical', publications: [{ channel: 'weibo', at: d('2026-11-09T03:00:00Z') }, pressAt('2026-11-09T12:00:00Z')] },
      '2026-11-10T06:00:00Z', { state: 'met', onTime: true, by: { event: 'publication', channel: 'press_conference' } }],
    ['answer: an offline press conference does not count', 'answer', { kind: 'inquiry', publications: [pressAt('2026-11-10T00:00:00Z')] },
      '2026-11-12T01:00:00Z', { state: 'overdue', overdueByMinutes: 60 }],
    ['answer: a live-streamed press conference counts', 'answer', { kind: 'inquiry', publications: [pressAt('2026-11-10T00:00:00Z', true)] },
      '2026-11-12T01:00:00Z', { state: 'met', onTime: true, by: { event: 'publication', channel: 'press_conference' } }],
    ['answer: the first online publication counts', 'answer',
      { kind: 'inquiry', publications: [pressAt('2026-11-09T10:00:00Z'), { channel: 'website', at: d('2026-11-12T03:00:00Z') }] },
      '2026-11-13T00:00:00Z', { state: 'met', onTime: false, lateByMinutes: 180, by: { event: 'publication', channel: 'website' } }],
    ['rectify done in the last millisecond of the day', 'rectify', { rectifiedAt: d('2026-11-20T15:59:59.999Z') },
      '2026-11-25T00:00:00Z', { state: 'met', onTime: true, by: { event: 'rectification' } }],
    ['rectify done at the next midnight is late', 'rectify', { rectifiedAt: d('2026-11-20T16:00:00Z') },
      '2026-11-25T00:00:00Z', { state: 'met', onTime: false, lateByMinutes: 1 }],
    ['rectify overdue by a day', 'rectify', {}, '2026-11-21T16:00:00Z', { state: 'overdue', overdueByMinutes: 1440 }],
    ['watch running', 'watch', {}, '2026-11-16T01:00:00Z', { state: 'running', dueInMinutes: 1440 }],
    ['watch ends by itself, never overdue', 'watch', {}, '2026-11-18T01:00:00Z', { state: 'ended' }],
  ] as const)('%s', (_name, kind, facts, now, expected) => {
    expect(status(kind, facts as Partial<ItemFacts>, now)).toMatchObject(expected);
  });

  it('with the press-conference rule off, any publication meets a critical respond clock', () => {
    expect(status('respond', { level: 'critical' }, '2026-11-10T06:00:00Z', noPressPolicy)).toMatchObject({
      state: 'met',
      onTime: false,
      lateByMinutes: 60,
      by: { event: 'publication', channel: 'weibo' },
    });
  });
});

describe('extensions', () => {
  const ext = (due: string, at: string) => ({ clock: 'ack' as const, due: d(due), at: d(at), reason: '联系不上负责人', by: 'ou_news' });

  it.each([
    ['extended: met before the new due is on time', [ext('2026-11-09T06:00:00Z', '2026-11-09T03:00:00Z')],
      '2026-11-09T05:00:00Z', '2026-11-09T06:00:00.000Z', { state: 'met', onTime: true }],
    ['extended: met after the new due is late against it', [ext('2026-11-09T06:00:00Z', '2026-11-09T03:00:00Z')],
      '2026-11-09T06:30:00Z', '2026-11-09T06:00:00.000Z', { state: 'met', onTime: false, lateByMinutes: 30 }],
    ['the latest grant wins, whatever the order', [ext('2026-11-09T08:00:00Z', '2026-11-09T05:00:00Z'), ext('2026-11-09T06:00:00Z', '2026-11-09T03:00:00Z')],
      '2026-11-09T07:00:00Z', '2026-11-09T08:00:00.000Z', { state: 'met', onTime: true }],
  ])('%s', (_name, extensions, ackAt, expectedDue, expected) => {
    const view = computeClock('ack', { ...base, acknowledgedAt: d(ackAt), extensions }, ctx)!;
    expect(view.due.toISOString()).toBe('2026-11-09T04:00:00.000Z'); // original kept
    expect(view.extendedDue?.toISOString()).toBe(expectedDue);
    expect(effectiveDue(view).toISOString()).toBe(expectedDue);
    expect(clockStatus(view, d('2026-11-10T00:00:00Z'))).toMatchObject(expected);
  });

  it('an extension of another clock does not move this one', () => {
    const view = computeClock('ack', { ...base, extensions: [{ ...ext('2026-11-09T08:00:00Z', '2026-11-09T03:00:00Z'), clock: 'verify' }] }, ctx)!;
    expect(view.extendedDue).toBeUndefined();
    expect(effectiveDue(view).toISOString()).toBe('2026-11-09T04:00:00.000Z');
  });
});

describe('answer clock in working-day mode', () => {
  const working = policySchema.parse({ calendar: 'working_days' });
  const answer = (discovered: string, policy = working, calendar = testCalendar2026) =>
    computeClock('answer', { ...base, kind: 'inquiry', discoveredAt: d(discovered) }, { policy, tz: SH, calendar })!;

  it.each([
    // discovered, working-day due, calendar-mode due, beyond data
    ['2026-11-06T01:30:00Z', '2026-11-11T01:30:00.000Z', '2026-11-09T01:30:00.000Z', false], // Fri 09:30, over a weekend
    ['2026-09-30T02:00:00Z', '2026-10-12T02:00:00.000Z', '2026-10-03T02:00:00.000Z', false], // over National Day + make-up Sat
    ['2026-12-30T02:00:00Z', '2027-01-04T02:00:00.000Z', '2027-01-02T02:00:00.000Z', true], // runs past the data
  ])('discovered %s', (discovered, workingDue, calendarDue, beyond) => {
    const view = answer(discovered);
    expect(view.due.toISOString()).toBe(workingDue);
    expect(view.beyondCalendarData).toBe(beyond);
    expect(answer(discovered, defaultPolicy).due.toISOString()).toBe(calendarDue);
  });

  it('uses answer_days from the policy', () => {
    const fiveDays = policySchema.parse({ calendar: 'working_days', clocks: { answer_days: 5 } });
    expect(answer('2026-11-06T01:30:00Z', fiveDays).due.toISOString()).toBe('2026-11-13T01:30:00.000Z');
  });

  it('refuses working-day mode without calendar data', () => {
    const facts: ItemFacts = { ...base, kind: 'inquiry' };
    expect(() => computeClock('answer', facts, { policy: working, tz: SH })).toThrow(
      expect.objectContaining({ code: 'calendar_missing' }),
    );
  });
});

describe('channels', () => {
  it.each([
    ['website', '政府网站', true],
    ['weibo', '政务微博', true],
    ['wechat', '政务微信', true],
    ['press_conference', '新闻发布会', false],
    ['media_interview', '媒体专访', false],
    ['tv_radio', '广播电视', false],
    ['newspaper', '报刊', false],
    ['other', '其他', false],
  ] as const)('%s is %s, online %s', (channel, label, online) => {
    expect(CHANNELS[channel]).toEqual({ labelZh: label, online });
    expect(isOnline({ channel, at: d(R) })).toBe(online);
    expect(isOnline({ channel, at: d(R), online: !online })).toBe(!online);
  });
});
