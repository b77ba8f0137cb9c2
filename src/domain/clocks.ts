import { addWorkingDays, type WorkingCalendar } from './calendar.js';
import { isOnline, type Channel, type Publication } from './channels.js';
import { DomainError } from './errors.js';
import type { Policy } from './policy.js';
import { endOfLocalDate, type DateKey } from './time.js';

/**
 * The clocks of DESIGN.md §1a, computed from the facts recorded on an item; nothing is stored here,
 * so a recorded fact (or an extension) changes every clock consistently.
 *
 * Deadlines are exclusive instants: work is on time strictly before `due`; at `due` the clock is
 * late. That is what "end of that day" (next local midnight) needs, and the same rule is used for
 * every clock so there is only one.
 */

export const LEVELS = ['general', 'major', 'critical'] as const;
export type Level = (typeof LEVELS)[number];
export const ITEM_KINDS = ['opinion', 'inquiry'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
export const CLOCK_KINDS = ['ack', 'verify', 'respond', 'answer', 'rectify', 'watch'] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];

export const CLOCK_LABELS_ZH: Record<ClockKind, string> = {
  ack: '认领',
  verify: '核实',
  respond: '回应',
  answer: '权威答复',
  rectify: '整改',
  watch: '跟踪',
};

export interface Verification {
  outcome: 'true' | 'partly' | 'false'; // 属实 / 部分属实 / 不属实
  rectificationNeeded: boolean;
  /** Local date the rectification is due by (end of that day); required when rectification is needed. */
  rectifyBy?: DateKey;
  verifiedAt: Date;
}

export interface Extension {
  clock: ClockKind;
  due: Date;
  /** When the extension was granted; the latest one counts. */
  at: Date;
  reason?: string;
  by?: string;
}

export interface ItemFacts {
  level: Level;
  kind: ItemKind;
  registeredAt: Date;
  discoveredAt?: Date;
  acknowledgedAt?: Date;
  verification?: Verification;
  publications?: readonly Publication[];
  rectifiedAt?: Date;
  extensions?: readonly Extension[];
}

export interface ClockContext {
  policy: Policy;
  tz: string;
  /** Needed when policy.calendar is 'working_days'. */
  calendar?: WorkingCalendar;
}

export type MetBy =
  | { event: 'acknowledgement' }
  | { event: 'verification' }
  | { event: 'publication'; channel: Channel }
  | { event: 'rectification' };

export interface ClockView {
  kind: ClockKind;
  start: Date;
  /** The original due time, kept for the ledger even when extended. */
  due: Date;
  /** The latest extension's due time; it replaces `due` for status. */
  extendedDue?: Date;
  met?: { at: Date; by: MetBy };
  /** Working-day maths ran past the calendar data (weekends only there): warn and note on the card. */
  beyondCalendarData: boolean;
}

const MINUTE = 60_000;
const plus = (start: Date, minutes: number) => new Date(start.getTime() + minutes * MINUTE);

function earliest(publications: readonly Publication[], accept: (p: Publication) => boolean) {
  return publications.filter(accept).sort((a, b) => a.at.getTime() - b.at.getTime())[0];
}

function publicationMet(publication: Publication | undefined): ClockView['met'] {
  return publication && { at: publication.at, by: { event: 'publication', channel: publication.channel } };
}

function respondMet(facts: ItemFacts, policy: Policy): ClockView['met'] {
  const needsPress = facts.level === 'critical' && policy.clocks.critical_respond_needs_press_conference;
  return publicationMet(earliest(facts.publications ?? [], (p) => !needsPress || p.channel === 'press_conference'));
}

function latestExtension(facts: ItemFacts, kind: ClockKind): Date | undefined {
  let latest: Extension | undefined;
  for (const e of facts.extensions ?? []) {
    if (e.clock === kind && (!latest || e.at.getTime() >= latest.at.getTime())) latest = e;
  }
  return latest?.due;
}

function answerDue(start: Date, ctx: ClockContext): { due: Date; beyondCalendarData: boolean } {
  const days = ctx.policy.clocks.answer_days;
  if (ctx.policy.calendar === 'calendar') return { due: plus(start, days * 1440), beyondCalendarData: false };
  if (!ctx.calendar) {
    throw new DomainError('calendar_missing', '已设置按工作日计算时限，但没有加载节假日数据，请联系管理员。');
  }
  const result = addWorkingDays(start, days, ctx.tz, ctx.calendar);
  return { due: result.at, beyondCalendarData: result.beyondData };
}

type Core = Omit<ClockView, 'kind' | 'extendedDue' | 'beyondCalendarData'> & { beyondCalendarData?: boolean };

function core(kind: ClockKind, facts: ItemFacts, ctx: ClockContext): Core | undefined {
  const { policy } = ctx;
  const discovered = facts.discoveredAt ?? facts.registeredAt;
  const v = facts.verification;
  switch (kind) {
    case 'ack':
      return {
        start: facts.registeredAt,
        due: plus(facts.registeredAt, policy.clocks.ack[facts.level]),
        met: facts.acknowledgedAt && { at: facts.acknowledgedAt, by: { event: 'acknowledgement' } },
      };
    case 'verify':
      return {
        start: facts.registeredAt,
        due: plus(facts.registeredAt, policy.clocks.verify[facts.level]),
        met: v && { at: v.verifiedAt, by: { event: 'verification' } },
      };
    case 'respond':
      return {
        start: discovered,
        due: plus(discovered, policy.clocks.respond[facts.level]),
        met: respondMet(facts, policy),
      };
    case 'answer': {
      if (facts.kind !== 'inquiry' || !v || v.outcome === 'false') return undefined;
      const { due, beyondCalendarData } = answerDue(discovered, ctx);
      return { start: discovered, due, beyondCalendarData, met: publicationMet(earliest(facts.publications ?? [], isOnline)) };
    }
    case 'rectify': {
      if (!v?.rectificationNeeded) return undefined;
      if (!v.rectifyBy) {
        throw new DomainError('rectify_date_missing', '核实结果需要整改，但没有填写整改完成日期。');
      }
      return {
        start: v.verifiedAt,
        due: endOfLocalDate(v.rectifyBy, ctx.tz),
        met: facts.rectifiedAt && { at: facts.rectifiedAt, by: { event: 'rectification' } },
      };
    }
    case 'watch': {
      // Ends by itself; it is never "met" and never overdue.
      const responded = respondMet(facts, policy);
      return responded && { start: responded.at, due: plus(responded.at, policy.clocks.watch) };
    }
  }
}

/** One clock, or undefined when it does not apply (yet) to the item. */
export function computeClock(kind: ClockKind, facts: ItemFacts, ctx: ClockContext): ClockView | undefined {
  const c = core(kind, facts, ctx);
  if (!c) return undefined;
  const view: ClockView = { kind, start: c.start, due: c.due, beyondCalendarData: c.beyondCalendarData ?? false };
  if (c.met) view.met = c.met;
  const extendedDue = latestExtension(facts, kind);
  if (extendedDue) view.extendedDue = extendedDue;
  return view;
}

export function computeClocks(facts: ItemFacts, ctx: ClockContext): ClockView[] {
  return CLOCK_KINDS.flatMap((kind) => computeClock(kind, facts, ctx) ?? []);
}

export function applicableClocks(facts: ItemFacts, ctx: ClockContext): ClockKind[] {
  return computeClocks(facts, ctx).map((view) => view.kind);
}

export function effectiveDue(view: ClockView): Date {
  return view.extendedDue ?? view.due;
}

export type ClockStatus =
  | { state: 'running'; dueInMinutes: number }
  | { state: 'met'; metAt: Date; by: MetBy; onTime: boolean; lateByMinutes: number }
  | { state: 'overdue'; overdueByMinutes: number }
  | { state: 'ended' };

/** Any lateness counts as at least one started minute, so "late by 0 min" is never shown. */
function lateMinutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / MINUTE));
}

/** Status as it stood at `now`: a fact recorded with a later time is not yet known. */
export function clockStatus(view: ClockView, now: Date): ClockStatus {
  const due = effectiveDue(view).getTime();
  const t = now.getTime();
  if (view.met && view.met.at.getTime() <= t) {
    const late = view.met.at.getTime() - due;
    return {
      state: 'met',
      metAt: view.met.at,
      by: view.met.by,
      onTime: late < 0,
      lateByMinutes: late < 0 ? 0 : lateMinutes(late),
    };
  }
  if (t < due) return { state: 'running', dueInMinutes: Math.floor((due - t) / MINUTE) };
  if (view.kind === 'watch') return { state: 'ended' };
  return { state: 'overdue', overdueByMinutes: lateMinutes(t - due) };
}
