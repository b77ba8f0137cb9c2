import type { Level } from './clocks.js';
import type { Policy } from './policy.js';
import { addDaysToDateKey, atLocalClockTime, localDateKey, minutesSinceLocalMidnight, parseClockTime } from './time.js';

/**
 * The reminder ladder of DESIGN.md §1b for one running clock. Pure: the scheduler stores the steps
 * as reminder rows and regenerates them when the clock changes (met, extended); the sweeper adds
 * each next overdue repeat as it sends one.
 *
 * Decisions where §1b is open:
 * - Overdue repeats are counted from the due time: with [12h, 24h, 48h] and every 48h they fall at
 *   due+12h, +24h, +48h, +96h, +144h … Repeats are generated up to `horizon` (inclusive), not forever;
 *   the stored rows go only as far as the next repeat (`ladderThroughNextRepeat`), and the sweeper
 *   adds the one after when it sends one, so an item overdue for months holds a handful of rows.
 * - `overdue` goes out at the due instant, like `due` (deadlines are exclusive, see clocks.ts);
 *   the two reach different people.
 * - A step that would fire at or before the clock starts (due-soon of a clock no longer than its
 *   threshold) is dropped: the dispatch message already says the same.
 * - A step adds nothing when a more advanced step that reaches everyone it would reach goes out no
 *   later (half vs due-soon on a 1 h clock; repeats held to the same morning), so it is dropped.
 * - A met clock has no reminders left.
 */

export type AudienceRole = 'lead_liaisons' | 'lead_leaders' | 'news_office' | 'county_leaders_overseeing' | 'propaganda';
export type StepName = 'half' | 'due_soon' | 'due' | 'overdue' | `overdue_repeat_${number}`;
/** card_reply: a reply to the item card in the unit's chat with @mentions; direct: DM or the person's chat. */
export type ChannelHint = 'card_reply' | 'direct';

export interface LadderClock {
  start: Date;
  /** The effective due time (an extension's, when extended). */
  due: Date;
  metAt?: Date;
}

export interface LadderOptions {
  level: Level;
  policy: Policy;
  tz: string;
  /** Overdue repeats are generated while their scheduled time is ≤ horizon. */
  horizon: Date;
}

export interface ReminderStep {
  step: StepName;
  /** When to send it. */
  at: Date;
  /** When the ladder puts it, before quiet hours or catching up moved it. */
  scheduledAt: Date;
  audience: AudienceRole[];
  urgent: boolean;
  /** The part of the audience to buzz (Lark urgent); empty when not urgent. */
  urgentFor: AudienceRole[];
  channel: ChannelHint;
  heldForQuietHours: boolean;
}

const MINUTE = 60_000;
const ESCALATION: AudienceRole[] = ['county_leaders_overseeing', 'propaganda', 'news_office'];

interface Raw {
  step: StepName;
  scheduledAt: number;
  at: number;
}

function rawSteps(clock: LadderClock, opts: LadderOptions): Raw[] {
  const r = opts.policy.reminders;
  const start = clock.start.getTime();
  const due = clock.due.getTime();
  const length = due - start;
  const early: Array<[StepName, number]> = [];
  if (r.half_elapsed) early.push(['half', start + Math.floor(length / 2)]);
  const soon = length <= r.due_soon * MINUTE ? r.due_soon_short : r.due_soon;
  early.push(['due_soon', due - soon * MINUTE]);

  const steps: Array<[StepName, number]> = [...early.filter(([, at]) => at > start), ['due', due], ['overdue', due]];
  const horizon = opts.horizon.getTime();
  const offsets = [...r.overdue_repeat_after].sort((a, b) => a - b);
  let offset = 0;
  for (let n = 1; ; n++) {
    offset = n <= offsets.length ? offsets[n - 1]! : offset + r.overdue_repeat_every;
    if (due + offset * MINUTE > horizon) break;
    steps.push([`overdue_repeat_${n}`, due + offset * MINUTE]);
  }
  return steps.map(([step, at]) => ({ step, scheduledAt: at, at }));
}

interface Night {
  start: number;
  end: number;
  morning: string;
}

/** The quiet-hours night containing the instant, if any. */
function nightAround(at: number, policy: Policy, tz: string): Night | undefined {
  const q = policy.quiet_hours;
  const s = parseClockTime(q.start);
  const e = parseClockTime(q.end);
  const instant = new Date(at);
  const tod = minutesSinceLocalMidnight(instant, tz);
  const key = localDateKey(instant, tz);
  const night = (startKey: string, endKey: string): Night => ({
    start: atLocalClockTime(startKey, s, tz).getTime(),
    end: atLocalClockTime(endKey, e, tz).getTime(),
    morning: endKey,
  });
  if (s > e) {
    if (tod >= s) return night(key, addDaysToDateKey(key, 1));
    if (tod < e) return night(addDaysToDateKey(key, -1), key);
    return undefined;
  }
  return s < e && tod >= s && tod < e ? night(key, key) : undefined;
}

/**
 * General items wait for the end of the night, unless the clock falls due during that night
 * (from its start up to `unless_due_before` the next morning): then waiting would miss it.
 */
function applyQuietHours(steps: Raw[], clock: LadderClock, opts: LadderOptions): Array<Raw & { held: boolean }> {
  const q = opts.policy.quiet_hours;
  return steps.map((raw) => {
    const night = q.enabled && opts.level === 'general' ? nightAround(raw.at, opts.policy, opts.tz) : undefined;
    if (!night) return { ...raw, held: false };
    const due = clock.due.getTime();
    const deadline = atLocalClockTime(night.morning, parseClockTime(q.unless_due_before), opts.tz).getTime();
    if (due >= night.start && due < deadline) return { ...raw, held: false };
    return { ...raw, at: night.end, held: true };
  });
}

function audienceOf(step: StepName): AudienceRole[] {
  if (step === 'half') return ['lead_liaisons'];
  if (step === 'due_soon') return ['lead_liaisons', 'lead_leaders'];
  if (step === 'due') return ['lead_leaders', 'news_office'];
  return [...ESCALATION];
}

function urgentFor(step: StepName, level: Level): AudienceRole[] {
  if (level === 'general') return [];
  if (step === 'due_soon') return ['lead_leaders'];
  if (step === 'overdue' || step.startsWith('overdue_repeat_')) return [...ESCALATION];
  return [];
}

function dropSuperseded<T extends { step: StepName; at: number }>(steps: T[]): T[] {
  const covers = (later: StepName, step: StepName) => audienceOf(step).every((role) => audienceOf(later).includes(role));
  return steps.filter((step, i) => steps.slice(i + 1).every((later) => later.at > step.at || !covers(later.step, step.step)));
}

function finish(steps: Raw[], clock: LadderClock, opts: LadderOptions): ReminderStep[] {
  return dropSuperseded(applyQuietHours(steps, clock, opts)).map((s) => {
    const urgent = urgentFor(s.step, opts.level);
    return {
      step: s.step,
      at: new Date(s.at),
      scheduledAt: new Date(s.scheduledAt),
      audience: audienceOf(s.step),
      urgent: urgent.length > 0,
      urgentFor: urgent,
      channel: s.step === 'half' || s.step === 'due_soon' || s.step === 'due' ? 'card_reply' : 'direct',
      heldForQuietHours: s.held,
    };
  });
}

/** The whole ladder of a clock, in order. */
export function reminderSchedule(clock: LadderClock, opts: LadderOptions): ReminderStep[] {
  if (clock.metAt) return [];
  return finish(rawSteps(clock, opts), clock, opts);
}

/**
 * What is still to send at `now`: steps whose time has passed collapse into the latest of them, due
 * at once (subject to quiet hours), followed by the future ones. This covers an item registered late
 * (discovered long before) and reminders missed while the bot was down.
 */
export function pendingReminders(clock: LadderClock, opts: LadderOptions & { now: Date }): ReminderStep[] {
  if (clock.metAt) return [];
  const now = opts.now.getTime();
  const horizon = new Date(Math.max(now, opts.horizon.getTime()));
  const steps = rawSteps(clock, { ...opts, horizon });
  const past = steps.filter((s) => s.at <= now);
  const latest = past.at(-1);
  const future = steps.filter((s) => s.at > now);
  return finish(latest ? [{ ...latest, at: now }, ...future] : future, clock, opts);
}

/** 0 for `overdue`, n for `overdue_repeat_n`, undefined for the steps before the due time. */
export function overdueIndex(step: string): number | undefined {
  if (step === 'overdue') return 0;
  const match = /^overdue_repeat_(\d+)$/.exec(step);
  return match ? Number(match[1]) : undefined;
}

/**
 * The ladder as far as the first overdue repeat sent strictly after `after`, exactly as the whole
 * ladder has those steps. Cutting the raw ladder at a horizon h leaves every step sent at or before
 * h as it is in the whole ladder (a later step has scheduledAt > h, so it is sent after h and cannot
 * supersede one sent at or before h); the loop widens h until the step it returns lies within it.
 */
export function ladderThroughNextRepeat(clock: LadderClock, opts: Omit<LadderOptions, 'horizon'> & { after: Date }): ReminderStep[] {
  if (clock.metAt) return [];
  const after = opts.after.getTime();
  const every = Math.max(1, opts.policy.reminders.overdue_repeat_every) * MINUTE;
  // No repeat is scheduled before the first repeat offset: starting there saves a pass that could
  // only come back empty (the steps up to the one returned do not depend on where the cut is).
  const offsets = opts.policy.reminders.overdue_repeat_after;
  const firstRepeat = clock.due.getTime() + (offsets.length > 0 ? Math.max(0, Math.min(...offsets)) * MINUTE : 0);
  let horizon = Math.max(after, firstRepeat);
  for (;;) {
    const steps = reminderSchedule(clock, { ...opts, horizon: new Date(horizon) });
    const index = steps.findIndex((s) => (overdueIndex(s.step) ?? 0) > 0 && s.at.getTime() > after);
    const next = index >= 0 ? steps[index]! : undefined;
    if (next && next.at.getTime() <= horizon) return steps.slice(0, index + 1);
    horizon = next ? next.at.getTime() : horizon + every;
  }
}
