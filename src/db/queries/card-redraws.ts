import { runFixed } from '../built-once.js';
import type { DbOrTx } from '../client.js';

/**
 * The queue of items whose older card copies wait to be redrawn (schema: `card_redraws`). An item
 * is in it at most once: a second change before the redraw adds nothing, and the redraw draws the
 * item as it is by then.
 */

const QUEUE = 'insert into card_redraws (item_id, queued_at) values ($1, $2) on conflict (item_id) do nothing';
// Room is what the cap leaves once the undelivered patches are counted (counting stops at the cap:
// the sender's open rows can run to thousands under load). One statement, as the sender asks before
// every claim.
const OLDEST_WITH_ROOM = `
  select item_id::float8 as id from card_redraws where queued_at <= $3 order by queued_at, item_id
  limit least($1::int, $2::int - (
    select count(*)::int from (select 1 from outbox where kind = 'patch' and sent_at is null and dead_at is null limit $2) open))`;
const DEFER = 'update card_redraws set queued_at = $2 where item_id = $1';
const TAKE = 'delete from card_redraws where item_id = $1 returning item_id';

export async function queueCardRedraw(db: DbOrTx, itemId: number, at: Date): Promise<void> {
  await runFixed(db, QUEUE, [itemId, at.toISOString()]);
}

/**
 * The items waiting longest, oldest first: at most `limit`, and no more than `backlog` less the
 * card patches not yet delivered; none deferred past `now`.
 */
export async function oldestCardRedraws(db: DbOrTx, limit: number, backlog: number, now: Date): Promise<number[]> {
  const rows = await runFixed(db, OLDEST_WITH_ROOM, [limit, backlog, now.toISOString()]);
  return rows.map((row) => row.id as number);
}

/** Takes the item off the queue; false when another redraw took it first. */
export async function takeCardRedraw(db: DbOrTx, itemId: number): Promise<boolean> {
  return (await runFixed(db, TAKE, [itemId])).length > 0;
}

/** Holds the item back until `until` (a redraw that failed is tried again then, not at every sweep). */
export async function deferCardRedraw(db: DbOrTx, itemId: number, until: Date): Promise<void> {
  await runFixed(db, DEFER, [itemId, until.toISOString()]);
}
