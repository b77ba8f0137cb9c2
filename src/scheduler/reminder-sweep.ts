import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { CLOCK_LABELS_ZH, type ClockKind, type Level } from '../domain/clocks.js';
import { ladderThroughNextRepeat, overdueIndex } from '../domain/ladder.js';
import type { Policy } from '../domain/policy.js';
import type { Db, Tx } from '../db/client.js';
import type { ReminderRow } from '../db/queries/clocks.js';
import { findItemById, liveCardsOf, unitsOfItem, type ItemRow } from '../db/queries/items.js';
import { countyLeadersOverseeing, effectiveRoster, listActiveUnits, openIdsOf } from '../db/queries/organisation.js';
import { enqueueOutbox } from '../db/queries/outbox.js';
import { clocks, reminders } from '../db/schema/index.js';
import { textWithMentions } from '../workflow/actions/notify.js';
import { formatLocalTime, formatMinutes } from '../workflow/present.js';

/**
 * Sends the reminders that are due (DESIGN.md §1b). Claims rows with FOR UPDATE SKIP LOCKED, writes
 * their messages to the outbox and marks them sent in the same transaction, so two replicas never
 * send one twice and a crash between claim and commit leaves them for the next sweep. Several
 * reminders for one chat or person in one sweep become one message.
 *
 * Overdue repeats are stored one at a time: sending `overdue` or a repeat writes the next repeat
 * row in the same transaction. The claim also holds each item FOR SHARE (skipping items a change
 * holds), and syncDeadlines takes the item before it cancels, so a clock stopped while we send
 * always sees, and cancels, the repeat we add.
 */

export interface SweepDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  tz: string;
  /** The ladder the next overdue repeat is taken from (the organisation file's policy). */
  policy: Policy;
  batchSize?: number;
  /**
   * Runs inside the transaction once the due rows are claimed, before anything is written: tests
   * stop a process here to show that a crash between claim and commit loses and repeats nothing.
   */
  afterClaim?: (reminderIds: number[]) => Promise<void>;
}

interface Delivery {
  /** Where it goes: a card copy to reply to, a person, or a unit. */
  target: { copy: { sendKey: string; receiver: string } } | { openId: string } | { unit: string };
  key: string;
  mention: Set<string>;
  buzz: Set<string>;
  lines: string[];
}

const ACTION_ZH: Record<ClockKind, string> = {
  ack: '请尽快认领。',
  verify: '请尽快提交核实情况。',
  respond: '请尽快发布回应。',
  answer: '请在网上发布权威答复。',
  rectify: '请按期完成整改并登记。',
  watch: '',
};

function stepText(row: ReminderRow, item: ItemRow, now: Date, tz: string): string {
  const label = CLOCK_LABELS_ZH[row.clock as ClockKind] ?? row.clock;
  const due = formatLocalTime(row.clockDueAt, tz, now);
  const left = row.clockDueAt.getTime() - now.getTime();
  const when =
    left > 0 ? `将于 ${due} 到期（还剩 ${formatMinutes(left / 60_000)}）` : left > -60_000 ? `已于 ${due} 到期` : `已超时 ${formatMinutes(-left / 60_000)}（时限 ${due}）`;
  const prefix = row.step === 'half' ? '过半提醒' : row.step === 'due_soon' ? '即将到期' : row.step === 'due' ? '到期' : '超时督办';
  return `【${prefix}】${item.ref}「${item.title}」${label}${when}。${ACTION_ZH[row.clock as ClockKind] ?? ''}`;
}

async function deliveriesFor(tx: Tx, row: ReminderRow, item: ItemRow, now: Date, tz: string, into: Map<string, Delivery>): Promise<void> {
  const { lead } = await unitsOfItem(tx, item.id);
  const roster = lead ? await effectiveRoster(tx, lead) : { leader: [], liaison: [], member: [] };
  const people = { lead_liaisons: await openIdsOf(tx, roster.liaison), lead_leaders: await openIdsOf(tx, roster.leader) };
  const copies = await liveCardsOf(tx, item.id);
  const text = stepText(row, item, now, tz);
  const add = (key: string, target: Delivery['target'], mention: string[], buzz: string[]) => {
    const delivery = into.get(key) ?? { target, key, mention: new Set<string>(), buzz: new Set<string>(), lines: [] };
    mention.forEach((id) => delivery.mention.add(id));
    buzz.forEach((id) => delivery.buzz.add(id));
    if (!delivery.lines.includes(text)) delivery.lines.push(text);
    into.set(key, delivery);
  };
  const urgent = new Set(row.urgentFor);
  for (const role of row.audience) {
    if (role === 'lead_liaisons' || role === 'lead_leaders') {
      const ids = people[role];
      for (const copy of copies.filter((c) => c.variant === 'lead')) {
        // In a group, @mention; a private copy already reaches its person.
        const inGroup = copy.audience.startsWith('chat:');
        const personal = !inGroup && ids.includes(copy.audience.slice(5));
        if (inGroup || personal) add(copy.audience, { copy: { sendKey: copy.sendKey, receiver: copy.audience } }, inGroup ? ids : [], urgent.has(role) ? ids : []);
      }
    } else if (role === 'news_office') {
      for (const copy of copies.filter((c) => c.variant === 'news')) add(copy.audience, { copy: { sendKey: copy.sendKey, receiver: copy.audience } }, [], []);
    } else if (role === 'county_leaders_overseeing') {
      for (const openId of await countyLeadersOverseeing(tx, lead)) add(`user:${openId}`, { openId }, [], urgent.has(role) ? [openId] : []);
    } else if (role === 'propaganda') {
      for (const unit of (await listActiveUnits(tx)).filter((u) => u.role === 'propaganda')) add(`unit:${unit.code}`, { unit: unit.code }, [], []);
    }
  }
}

/**
 * After an overdue step goes out, the next repeat of the ladder that is still ahead becomes a row.
 * Repeats missed meanwhile (the bot was down) are not written: the one just sent stood for them.
 */
async function scheduleNextRepeat(tx: Tx, row: ReminderRow, item: ItemRow, now: Date, deps: SweepDeps): Promise<void> {
  if (item.state === 'closed') return;
  const [clock] = await tx.select().from(clocks).where(and(eq(clocks.itemId, row.itemId), eq(clocks.kind, row.clock)));
  // A clock met or moved since this row was written has other rows (or none): add nothing to it.
  if (!clock || clock.metAt || (clock.extendedDueAt ?? clock.dueAt).getTime() !== row.clockDueAt.getTime()) return;
  const ladder = ladderThroughNextRepeat(
    { start: clock.startsAt, due: row.clockDueAt },
    { level: item.level as Level, policy: deps.policy, tz: deps.tz, after: new Date(Math.max(now.getTime(), row.clockDueAt.getTime())) },
  );
  const next = ladder.at(-1);
  if (!next || (overdueIndex(next.step) ?? 0) <= (overdueIndex(row.step) ?? 0)) return;
  await tx
    .insert(reminders)
    .values({ itemId: row.itemId, clock: row.clock, step: next.step, clockDueAt: row.clockDueAt, dueAt: next.at, audience: next.audience, urgentFor: next.urgentFor, status: 'pending' })
    .onConflictDoNothing();
}

export interface SweepResult {
  sent: number;
  messages: number;
}

export async function sweepReminders(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    // Two locking clauses drizzle's builder cannot write: the rows are ours alone, the items are
    // shared with other sweepers but not with a change in progress (see the comment above).
    const claimed = await tx.execute<{ id: string }>(sql`
      select r.id from ${reminders} r join items i on i.id = r.item_id
      where r.status = 'pending' and r.due_at <= ${now.toISOString()}::timestamptz
      order by r.due_at, r.id
      limit ${deps.batchSize ?? 500}
      for update of r skip locked
      for share of i skip locked`);
    if (claimed.length === 0) return { sent: 0, messages: 0 };
    const ids = claimed.map((row) => Number(row.id));
    await deps.afterClaim?.(ids);
    const due = await tx.select().from(reminders).where(inArray(reminders.id, ids)).orderBy(asc(reminders.dueAt), asc(reminders.id));
    // Steps of one clock that all fell due meanwhile (the bot was down, the clock jumped): only the
    // latest still means something; the earlier ones are skipped, not sent late.
    const latest = new Map<string, number>();
    for (const row of due) {
      const key = `${row.itemId}|${row.clock}|${row.clockDueAt.getTime()}`;
      latest.set(key, Math.max(latest.get(key) ?? 0, row.dueAt.getTime()));
    }
    const outdated = due.filter((row) => row.dueAt.getTime() < latest.get(`${row.itemId}|${row.clock}|${row.clockDueAt.getTime()}`)!);
    const current = due.filter((row) => !outdated.includes(row));
    if (outdated.length > 0) await tx.update(reminders).set({ status: 'skipped' }).where(inArray(reminders.id, outdated.map((r) => r.id)));
    const deliveries = new Map<string, Delivery>();
    const itemsById = new Map<number, ItemRow>();
    for (const row of current) {
      const item = itemsById.get(row.itemId) ?? (await findItemById(tx, row.itemId));
      if (!item) continue;
      itemsById.set(item.id, item);
      await deliveriesFor(tx, row, item, now, deps.tz, deliveries);
      if (overdueIndex(row.step) !== undefined) await scheduleNextRepeat(tx, row, item, now, deps);
    }
    const batch = `${now.getTime()}:${due[0]!.id}`;
    for (const delivery of deliveries.values()) {
      const single = delivery.lines.length === 1;
      const body = single ? delivery.lines[0]! : [`以下 ${delivery.lines.length} 项时限提醒：`, ...delivery.lines.map((l) => `• ${l}`)].join('\n');
      const message = textWithMentions([...delivery.mention], body);
      const key = `reminder:${batch}:${delivery.key}`;
      const target = delivery.target;
      let lane: string | undefined;
      if ('copy' in target && single) {
        await enqueueOutbox(tx, key, { kind: 'reply', to: target.copy, lane: target.copy.receiver, message }, now);
        lane = target.copy.receiver;
      } else if ('copy' in target) {
        const receiver = target.copy.receiver;
        const to = receiver.startsWith('chat:') ? { chatId: receiver.slice(5) } : { openId: receiver.slice(5) };
        await enqueueOutbox(tx, key, { kind: 'send', target: to, message }, now);
        lane = receiver;
      } else if ('openId' in target) {
        await enqueueOutbox(tx, key, { kind: 'send', target, message }, now);
        lane = `user:${target.openId}`;
      } else {
        await enqueueOutbox(tx, key, { kind: 'send', target, message }, now);
      }
      if (lane && delivery.buzz.size > 0) {
        await enqueueOutbox(tx, `buzz:${key}`, { kind: 'urgent', to: { sendKey: key, receiver: lane }, lane, openIds: [...delivery.buzz] }, now);
      }
    }
    await tx
      .update(reminders)
      .set({ status: 'sent', sentAt: now, attempts: sql`${reminders.attempts} + 1` })
      .where(inArray(reminders.id, current.map((r) => r.id)));
    deps.log.info({ reminders: current.length, skipped: outdated.length, messages: deliveries.size, items: [...new Set(current.map((r) => r.itemId))] }, 'reminders sent');
    return { sent: current.length, messages: deliveries.size };
  });
}
