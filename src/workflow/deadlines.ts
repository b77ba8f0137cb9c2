import { and, eq, inArray, sql } from 'drizzle-orm';
import { computeClocks, effectiveDue, type ClockView } from '../domain/clocks.js';
import { reminderSchedule, type ReminderStep } from '../domain/ladder.js';
import type { Level } from '../domain/clocks.js';
import type { DbOrTx, Tx } from '../db/client.js';
import type { ItemRow } from '../db/queries/items.js';
import { clocks, reminders } from '../db/schema/index.js';
import { loadFacts } from './item-facts.js';
import type { ViewContext } from './item-view.js';

const DAY = 86_400_000;
/** Overdue repeats are kept as rows this far past due; any later change re-derives them. */
const REPEAT_HORIZON = 60 * DAY;
const CLOSED_STATES = new Set(['closed']);

function metBy(view: ClockView): string | null {
  if (!view.met) return null;
  return view.met.by.event === 'publication' ? `publication:${view.met.by.channel}` : view.met.by.event;
}

/**
 * Keeps the item's clocks and reminder rows in step with its facts, in the caller's transaction
 * (DESIGN.md §1a, §1b): a stopped clock cancels its pending reminders, a moved due time makes new
 * ones, and steps the item is already past when they first appear collapse into the latest one.
 */
export async function syncDeadlines(tx: Tx, item: ItemRow, ctx: ViewContext): Promise<void> {
  const facts = await loadFacts(tx, item);
  const views = computeClocks(facts, { policy: ctx.policy, tz: ctx.tz, calendar: ctx.calendar });
  for (const view of views) {
    const row = {
      itemId: item.id,
      kind: view.kind,
      startsAt: view.start,
      dueAt: view.due,
      extendedDueAt: view.extendedDue ?? null,
      metAt: view.met?.at ?? null,
      metBy: metBy(view),
      beyondCalendar: view.beyondCalendarData,
      updatedAt: ctx.now,
    };
    await tx.insert(clocks).values(row).onConflictDoUpdate({ target: [clocks.itemId, clocks.kind], set: row });
  }

  const existing = await tx.select().from(reminders).where(eq(reminders.itemId, item.id));
  const keep = new Set<number>();
  const live = CLOSED_STATES.has(item.state) ? [] : views.filter((view) => view.kind !== 'watch');
  for (const view of live) {
    const due = effectiveDue(view);
    const schedule = reminderSchedule(
      { start: view.start, due, metAt: view.met?.at },
      { level: item.level as Level, policy: ctx.policy, tz: ctx.tz, horizon: new Date(Math.max(ctx.now.getTime(), due.getTime()) + REPEAT_HORIZON) },
    );
    const known = new Map(existing.filter((r) => r.clock === view.kind && r.clockDueAt.getTime() === due.getTime()).map((r) => [r.step, r]));
    const missedPast = schedule.filter((step) => step.at.getTime() <= ctx.now.getTime() && !known.has(step.step));
    const latestMissed = missedPast.at(-1);
    for (const step of schedule) {
      const row = known.get(step.step);
      if (row) {
        keep.add(row.id);
        if (row.status === 'pending' && row.dueAt.getTime() !== step.at.getTime()) {
          await tx.update(reminders).set({ dueAt: step.at }).where(eq(reminders.id, row.id));
        }
        continue;
      }
      const status = step.at.getTime() > ctx.now.getTime() || step === latestMissed ? 'pending' : 'skipped';
      await insertStep(tx, item.id, view.kind, due, step, status);
    }
  }
  const stale = existing.filter((r) => r.status === 'pending' && !keep.has(r.id)).map((r) => r.id);
  // Rows inserted above are new ids, never in `existing`; only old pending rows can go stale.
  if (stale.length > 0) await tx.update(reminders).set({ status: 'cancelled' }).where(and(inArray(reminders.id, stale), eq(reminders.status, 'pending')));
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
