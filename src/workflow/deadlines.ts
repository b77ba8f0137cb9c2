import { and, eq, inArray, sql } from 'drizzle-orm';
import { computeClocks, effectiveDue, type ClockView, type ItemFacts } from '../domain/clocks.js';
import { ladderThroughNextRepeat, type ReminderStep } from '../domain/ladder.js';
import type { Level } from '../domain/clocks.js';
import { arrayLiteral } from '../db/array-literal.js';
import { builtOnce, runFixed } from '../db/built-once.js';
import type { DbOrTx, Tx } from '../db/client.js';
import type { ReminderRow } from '../db/queries/clocks.js';
import type { ItemRow } from '../db/queries/items.js';
import { clocks, items, reminders } from '../db/schema/index.js';
import { enqueueOutbox } from '../db/queries/outbox.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import { auditedChangeInTx } from './audited.js';
import { factsOf, readItemRecords, type ItemRecords } from './item-facts.js';
import type { ViewContext } from './item-view.js';

const CLOSED_STATES = new Set(['closed']);
/** Clocks that apply only while the latest verification says so. */
const VANISHING_CLOCKS = ['answer', 'rectify'];

function metBy(view: ClockView): string | null {
  if (!view.met) return null;
  return view.met.by.event === 'publication' ? `publication:${view.met.by.channel}` : view.met.by.event;
}

const lockItemNoKeyUpdate = builtOnce((db) => db.select({ id: items.id }).from(items).where(eq(items.id, sql.placeholder('id'))).for('no key update'));
const remindersOfItem = builtOnce((db) => db.select().from(reminders).where(eq(reminders.itemId, sql.placeholder('itemId'))));

/**
 * One statement for all of an item's clocks, whatever their number (arrays, one per column: the
 * same text every time, prepared once per connection). A clock whose times have not changed is
 * left as it is: no new row version for the clocks a click does not move.
 */
const UPSERT_CLOCKS = `
  insert into clocks (item_id, kind, starts_at, due_at, extended_due_at, met_at, met_by, beyond_calendar, updated_at)
  select $1::bigint, kind, starts_at, due_at, extended_due_at, met_at, met_by, beyond_calendar, $9::timestamptz
  from unnest($2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::boolean[])
    as t (kind, starts_at, due_at, extended_due_at, met_at, met_by, beyond_calendar)
  on conflict (item_id, kind) do update set
    starts_at = excluded.starts_at, due_at = excluded.due_at, extended_due_at = excluded.extended_due_at,
    met_at = excluded.met_at, met_by = excluded.met_by, beyond_calendar = excluded.beyond_calendar,
    updated_at = excluded.updated_at,
    -- A moved due time (an extension) is a new deadline: it may be noticed passing again.
    late_noted_at = case when coalesce(clocks.extended_due_at, clocks.due_at) = coalesce(excluded.extended_due_at, excluded.due_at) then clocks.late_noted_at end
  where (clocks.starts_at, clocks.due_at, clocks.extended_due_at, clocks.met_at, clocks.met_by, clocks.beyond_calendar)
    is distinct from (excluded.starts_at, excluded.due_at, excluded.extended_due_at, excluded.met_at, excluded.met_by, excluded.beyond_calendar)`;

const CANCEL_REMINDERS = `update reminders set status = 'cancelled' where id = any($1::bigint[]) and status = 'pending'`;

function upsertClocks(tx: Tx, itemId: number, views: ClockView[], now: Date) {
  const column = (pick: (view: ClockView) => Date | string | boolean | null | undefined) => arrayLiteral(views.map(pick));
  return runFixed(tx, UPSERT_CLOCKS, [
    itemId,
    column((view) => view.kind),
    column((view) => view.start),
    column((view) => view.due),
    column((view) => view.extendedDue),
    column((view) => view.met?.at),
    column((view) => metBy(view)),
    column((view) => view.beyondCalendarData),
    now.toISOString(),
  ]);
}

/** What syncDeadlines starts from besides the item's row: its records and its reminder rows. */
export interface DeadlineInputs {
  records: ItemRecords;
  reminders: ReminderRow[];
}

/**
 * Reads what syncDeadlines starts from, for a caller that holds the item (it was read with
 * lockItem in this transaction) and wants the reads to go out with its own change to the item:
 * neither read depends on the item's row, and while the item is held the reminder sweeper writes
 * nothing for it.
 */
export async function readDeadlineInputs(tx: Tx, itemId: number): Promise<DeadlineInputs> {
  const [records, reminders] = await Promise.all([readItemRecords(tx, itemId), remindersOfItem(tx, { itemId })]);
  return { records, reminders };
}

/** An item's facts and the clocks computed from them (they do not depend on the time of asking). */
export interface ItemClocks {
  facts: ItemFacts;
  views: ClockView[];
}

/**
 * Keeps the item's clocks and reminder rows in step with its facts, in the caller's transaction
 * (DESIGN.md §1a, §1b): a stopped clock cancels its pending reminders, a moved due time makes new
 * ones, and steps the item is already past when they first appear collapse into the latest one.
 * Overdue repeats exist as rows only up to the next one to send; the sweeper adds each following
 * repeat when it sends one (reminder-sweep.ts).
 *
 * Then runs `next` with the clocks (the card drawn in the same change shows the same clocks: they
 * are worked out once). The statements `next` sends first go out with the clocks' writes, one
 * round trip for both: `next` must not read the clocks or reminders tables (it has the clocks).
 *
 * `inputs`, when the caller read them already (readDeadlineInputs, with its change to the item),
 * saves the round trip of reading them here.
 */
export async function syncDeadlines<T>(tx: Tx, item: ItemRow, ctx: ViewContext, next: (clocks: ItemClocks) => Promise<T>, inputs?: DeadlineInputs): Promise<T> {
  const { records, reminders: existing } = inputs ?? (await lockAndReadInputs(tx, item.id));
  const facts = factsOf(item, records);
  const views = computeClocks(facts, { policy: ctx.policy, tz: ctx.tz, calendar: ctx.calendar });
  if (ctx.calendar && views.some((view) => view.beyondCalendarData)) await warnCalendarRunOut(tx, item, ctx.calendar, ctx.now);
  const writes = clockWrites(tx, item, views, facts, existing, ctx);
  // Every write above touches its own rows (a clock kind, a reminder id, a new step): the order
  // they reach the server in does not matter, so they all go at once, and `next` with them.
  const [result] = await Promise.all([next({ facts, views }), ...writes.map((write) => write())]);
  return result;
}

async function lockAndReadInputs(tx: Tx, itemId: number): Promise<DeadlineInputs> {
  // The sweeper holds the item FOR SHARE while it sends a reminder and writes the next repeat. Taking
  // the item here first means that row is committed, and seen below, before we decide what to cancel
  // (otherwise a repeat written during a clock-stopping click would survive it).
  // Sent together with the reads of the facts and reminders: the server runs a connection's
  // statements in order, so the reads still happen once the lock is held, one round trip sooner.
  const [, inputs] = await Promise.all([lockItemNoKeyUpdate(tx, { id: itemId }), readDeadlineInputs(tx, itemId)]);
  return inputs;
}

/** The statements that make the clocks and reminder rows match `views`, not yet sent. */
function clockWrites(tx: Tx, item: ItemRow, views: ClockView[], facts: ItemFacts, existing: ReminderRow[], ctx: ViewContext): (() => PromiseLike<unknown>)[] {
  const writes: (() => PromiseLike<unknown>)[] = [];
  // Each change of every item passes here: one statement for all the item's clocks.
  if (views.length > 0) writes.push(() => upsertClocks(tx, item.id, views, ctx.now));
  // The answer and rectification clocks hang on the latest verification: a new one (不属实, or no
  // rectification) takes them away, and their rows must go too (reports, the sweeper's overdue
  // notices and the list read this table). Neither exists before a first verification.
  const gone = facts.verification ? VANISHING_CLOCKS.filter((kind) => !views.some((view) => view.kind === kind)) : [];
  if (gone.length > 0) writes.push(() => tx.delete(clocks).where(and(eq(clocks.itemId, item.id), inArray(clocks.kind, gone))));

  const keep = new Set<number>();
  const live = CLOSED_STATES.has(item.state) ? [] : views.filter((view) => view.kind !== 'watch');
  for (const view of live) {
    const due = effectiveDue(view);
    const schedule = ladderThroughNextRepeat(
      { start: view.start, due, metAt: view.met?.at },
      { level: item.level as Level, policy: ctx.policy, tz: ctx.tz, after: new Date(Math.max(ctx.now.getTime(), due.getTime())) },
    );
    const known = new Map(existing.filter((r) => r.clock === view.kind && r.clockDueAt.getTime() === due.getTime()).map((r) => [r.step, r]));
    const missedPast = schedule.filter((step) => step.at.getTime() <= ctx.now.getTime() && !known.has(step.step));
    // A reminder of this clock sent after a missed step's time stood for it (a catch-up after the
    // bot was down sends one message for all it missed): only a step later than that is still owed.
    const lastSent = Math.max(0, ...[...known.values()].map((r) => r.sentAt?.getTime() ?? 0));
    const latestMissed = missedPast.filter((step) => step.at.getTime() > lastSent).at(-1);
    for (const step of schedule) {
      const row = known.get(step.step);
      if (row) {
        keep.add(row.id);
        if (row.status === 'pending' && row.dueAt.getTime() !== step.at.getTime()) {
          writes.push(() => tx.update(reminders).set({ dueAt: step.at }).where(eq(reminders.id, row.id)));
        }
        continue;
      }
      const status = step.at.getTime() > ctx.now.getTime() || step === latestMissed ? 'pending' : 'skipped';
      writes.push(() => insertStep(tx, item.id, view.kind, due, step, status));
    }
  }
  // Only old pending rows can go stale (steps written above are new rows).
  const stale = existing.filter((r) => r.status === 'pending' && !keep.has(r.id)).map((r) => r.id);
  if (stale.length > 0) writes.push(() => runFixed(tx, CANCEL_REMINDERS, [arrayLiteral(stale)]));
  return writes;
}

/**
 * DESIGN.md §1a: past the calendar data's last year working days are counted from weekends only;
 * the admins hear it once per last year, the first time a clock needs it. The outbox key is the
 * "once": a later clock (or a second bot) finds the row there and adds nothing, audit included.
 */
async function warnCalendarRunOut(tx: Tx, item: ItemRow, calendar: WorkingCalendar, now: Date): Promise<void> {
  const { lastYear } = calendar;
  const key = `calendar-beyond:${lastYear}`;
  const text = [
    `工作日历数据只到${lastYear}年，之后按周末计算；请补充${lastYear + 1}年官方节假日安排（见 README 的 CALENDAR_FILE）。`,
    `首次涉及：${item.ref}「${item.title}」。`,
  ].join('\n');
  await auditedChangeInTx(tx, { at: now, actor: 'system:calendar', action: 'calendar.beyond_data_warned', itemId: item.id, subject: `calendar:${lastYear}` }, async (t) => {
    const queued = await enqueueOutbox(t, key, { kind: 'send', target: { admins: true }, message: { msgType: 'text', text } }, now);
    // Nothing queued, nothing to record: the audit row goes with the one warning.
    return queued ? { value: undefined, after: { lastYear, outboxKey: key, item: item.ref } } : { value: undefined };
  });
}

async function insertStep(tx: Tx, itemId: number, clock: string, clockDue: Date, step: ReminderStep, status: string): Promise<void> {
  await tx
    .insert(reminders)
    .values({ itemId, clock, step: step.step, clockDueAt: clockDue, dueAt: step.at, audience: step.audience, urgentFor: step.urgentFor, status })
    .onConflictDoNothing();
}

/** The next pending reminder or unmet clock due after `now` (the sandbox's 下一个到期). */
export async function nextDueAfter(db: DbOrTx, now: Date): Promise<Date | undefined> {
  const [row] = await db.execute<{ at: string | null }>(sql`
    select least(
      (select min(due_at) from reminders where status = 'pending' and due_at > ${now.toISOString()}::timestamptz),
      (select min(coalesce(extended_due_at, due_at)) from clocks c join items i on i.id = c.item_id
        where c.met_at is null and i.state <> 'closed' and coalesce(c.extended_due_at, c.due_at) > ${now.toISOString()}::timestamptz)
    ) as at`);
  return row?.at ? new Date(row.at) : undefined;
}
