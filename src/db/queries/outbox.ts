import { eq, sql } from 'drizzle-orm';
import { builtOnce, clientOf, runFixed } from '../built-once.js';
import type { DbOrTx } from '../client.js';
import { outermostClient } from '../prepared-statements.js';
import { outbox } from '../schema/index.js';

/** A message body as Lark takes it. */
export type OutgoingMessage =
  | { msgType: 'text'; text: string }
  | { msgType: 'interactive'; card: Record<string, unknown> }
  | { msgType: 'file'; fileKey: string };

/**
 * Who receives a send. `unit` and `admins` are resolved when the row is sent (DESIGN.md §2a):
 * a unit's bound chat, or its people one by one when it has none.
 */
export type SendTarget = { chatId: string } | { openId: string } | { unit: string } | { admins: true } | { createdChat: string };

/**
 * A message the bot already sent: by id, or as the outbox row that sent it to one receiver (the id
 * is read when needed, so a patch or reply can be queued before the card has gone out).
 */
export type MessageRef = { messageId: string } | { sendKey: string; receiver: string };

/** A stable name for the message a ref points at (patches of one message supersede each other). */
export function messageRefKey(ref: MessageRef): string {
  return 'messageId' in ref ? `msg:${ref.messageId}` : `copy:${ref.sendKey}|${ref.receiver}`;
}

/**
 * `lane` of replies, patches and buzzes is the receiver the message lives in (`chat:oc_…` or
 * `user:ou_…`), so they queue behind the send that created it.
 */
export type OutboxCommand =
  | { kind: 'send'; target: SendTarget; message: OutgoingMessage }
  | { kind: 'reply'; to: MessageRef; lane: string; message: OutgoingMessage }
  | { kind: 'patch'; to: MessageRef; lane: string; card: Record<string, unknown>; version: number }
  | { kind: 'urgent'; to: MessageRef; lane: string; openIds: string[] }
  /** A group the bot creates (e.g. a joint consultation); later rows reach it as { createdChat: key }. */
  | { kind: 'create_chat'; name: string; description: string; openIds: string[] }
  | { kind: 'add_members'; target: { chatId: string } | { createdChat: string }; openIds: string[] }
  /** A file (e.g. a CSV export), uploaded once and sent as a file message. */
  | { kind: 'send_file'; target: SendTarget; fileName: string; content: Buffer };

export type OutboxRow = typeof outbox.$inferSelect;

/** Rows of one lane go out one at a time, oldest first. */
export function laneOf(command: OutboxCommand, key: string): string {
  switch (command.kind) {
    case 'create_chat':
      return `create-chat:${key}`;
    case 'send':
    case 'send_file':
    case 'add_members':
      return laneOfTarget(command.target);
    default:
      return command.lane;
  }
}

function laneOfTarget(target: SendTarget): string {
  if ('chatId' in target) return `chat:${target.chatId}`;
  if ('openId' in target) return `user:${target.openId}`;
  if ('unit' in target) return `unit:${target.unit}`;
  if ('createdChat' in target) return `created:${target.createdChat}`;
  return 'admins';
}

function payloadOf(command: OutboxCommand): { target: unknown; payload: unknown } {
  switch (command.kind) {
    case 'send':
      return { target: command.target, payload: { message: command.message } };
    case 'reply':
      return { target: { to: command.to }, payload: { message: command.message } };
    case 'patch':
      return { target: { to: command.to, copy: messageRefKey(command.to) }, payload: { card: command.card, version: command.version } };
    case 'urgent':
      return { target: { to: command.to }, payload: { openIds: command.openIds } };
    case 'create_chat':
      return { target: {}, payload: { name: command.name, description: command.description, openIds: command.openIds } };
    case 'add_members':
      return { target: command.target, payload: { openIds: command.openIds } };
    case 'send_file':
      return { target: command.target, payload: { fileName: command.fileName, content: command.content.toString('base64') } };
  }
}

/** Transactions (their outermost client) that queued a command: see queuedOutboxIn. */
const queuingTransactions = new WeakSet<object>();

/**
 * Whether the transaction has queued a command (enqueueOutbox), for whoever commits it: its
 * commit should wake the sender at once, where one that only changed items can let it look a
 * moment later (OutboxSender.nudge).
 */
export function queuedOutboxIn(tx: DbOrTx): boolean {
  return queuingTransactions.has(outermostClient(clientOf(tx)));
}

/**
 * Queues a command in the caller's transaction. The key makes it idempotent: the same key twice
 * is one row (a redelivered event cannot queue its reply again). Returns false when a row with
 * this key already existed (nothing was queued).
 */
export async function enqueueOutbox(db: DbOrTx, key: string, command: OutboxCommand, at: Date): Promise<boolean> {
  const { target, payload } = payloadOf(command);
  queuingTransactions.add(outermostClient(clientOf(db)));
  const inserted = await enqueueQuery(db, { key, kind: command.kind, lane: laneOf(command, key), target, payload, at });
  return inserted.length > 0;
}

const enqueueQuery = builtOnce((db) =>
  db
    .insert(outbox)
    .values({
      key: sql.placeholder('key'),
      kind: sql.placeholder('kind'),
      lane: sql.placeholder('lane'),
      target: sql.placeholder('target'),
      payload: sql.placeholder('payload'),
      createdAt: sql.placeholder('at'),
      nextAttemptAt: sql.placeholder('at'),
    })
    .onConflictDoNothing({ target: outbox.key })
    .returning({ id: outbox.id }),
);

/**
 * Claims up to `limit` rows that are due and at the head of their lane, leasing them until
 * `leaseUntil`. SKIP LOCKED and the lease keep two senders from ever taking the same row. One
 * statement, no transaction: the rows are locked, skipped by a concurrent claim, and leased at once.
 */
export async function claimOutboxRows(db: DbOrTx, now: Date, leaseUntil: Date, limit: number): Promise<OutboxRow[]> {
  const due = sql`
    with heads as (
      select distinct on (lane) id from ${outbox}
      where sent_at is null and dead_at is null
      order by lane, id
    )
    select o.id from ${outbox} o join heads h on h.id = o.id
    where o.next_attempt_at <= ${now.toISOString()}::timestamptz
      and (o.claimed_until is null or o.claimed_until < ${now.toISOString()}::timestamptz)
    order by o.id
    limit ${limit}
    for update of o skip locked`;
  // array(...) makes the claim an init plan: run once, whatever plan the update gets (an IN
  // subquery may be rescanned, each rescan locking rows of its own).
  const rows = await db.update(outbox).set({ claimedUntil: leaseUntil }).where(sql`${outbox.id} = any(array(${due}))`).returning();
  return rows.sort((a, b) => a.id - b.id);
}

export async function markOutboxSent(db: DbOrTx, id: number, at: Date, result: unknown): Promise<void> {
  await db.update(outbox).set({ sentAt: at, claimedUntil: null, result, lastError: null }).where(eq(outbox.id, id));
}

/** Records partial progress (e.g. some recipients reached) and when to try again. */
export async function markOutboxRetry(db: DbOrTx, id: number, next: Date, error: string, result: unknown): Promise<void> {
  await db
    .update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: next, claimedUntil: null, lastError: error, result })
    .where(eq(outbox.id, id));
}

/** Gives the row back, keeping progress made so far (paced: not our turn yet). */
export async function releaseOutboxRow(db: DbOrTx, id: number, result: unknown): Promise<void> {
  await db.update(outbox).set({ claimedUntil: null, result }).where(eq(outbox.id, id));
}

/** Keeps what a delivery achieved so far (e.g. an uploaded file's key) while it holds the claim. */
export async function saveOutboxProgress(db: DbOrTx, id: number, result: unknown): Promise<void> {
  await db.update(outbox).set({ result }).where(eq(outbox.id, id));
}

export async function markOutboxDead(db: DbOrTx, id: number, at: Date, error: string, result: unknown): Promise<void> {
  await db
    .update(outbox)
    .set({ deadAt: at, claimedUntil: null, lastError: error, result, attempts: sql`${outbox.attempts} + 1` })
    .where(eq(outbox.id, id));
}

const PATCH_STANDING = `
  select
    (select max((payload->>'version')::int) from outbox
      where kind = 'patch' and target->>'copy' = $1 and sent_at is not null) as applied,
    exists (select 1 from outbox
      where kind = 'patch' and target->>'copy' = $1 and sent_at is null and dead_at is null
        and (payload->>'version')::int > $2) as newer`;

/**
 * Where a patch of `copy` at `version` stands among the message's other patches (one statement,
 * on the index of a patch's message): the newest version already patched in, and whether a newer
 * one is waiting. Either makes this patch unneeded.
 */
export async function patchStanding(db: DbOrTx, copy: string, version: number): Promise<{ applied?: number; newer: boolean }> {
  const [row] = await runFixed(db, PATCH_STANDING, [copy, version]);
  return { applied: (row?.applied as number | null) ?? undefined, newer: row?.newer === true };
}

const outcomeQuery = builtOnce((db) =>
  db.select({ result: outbox.result, sentAt: outbox.sentAt, deadAt: outbox.deadAt }).from(outbox).where(eq(outbox.key, sql.placeholder('key'))),
);

/**
 * What became of the row queued under `key`: what it delivered, and whether it is done. Not its
 * payload, which for a card is the whole card (a patch asks this of its card's send, each time).
 */
export async function outboxOutcome(db: DbOrTx, key: string): Promise<Pick<OutboxRow, 'result' | 'sentAt' | 'deadAt'> | undefined> {
  const [row] = await outcomeQuery(db, { key });
  return row;
}
