import { arrayLiteral } from '../array-literal.js';
import { runFixed } from '../built-once.js';
import type { DbOrTx } from '../client.js';

/**
 * The queue of items whose older card copies wait to be redrawn (schema: `card_redraws`). An item
 * is in it at most once: a second change before the redraw adds nothing, and the redraw draws the
 * item as it is by then.
 */

/*
 * After a change to item $1, now at version $3: the clicked copy (the first live copy of the
 * audiences $2, in their order) is at the new version, as the click's answer carries it; the item
 * is queued if any other live copy is older; the clicked copy's audience is returned. One
 * statement, so it goes out with the change's last reads instead of a round trip of its own. (The
 * statement's parts see the copies as they were before it: the clicked copy is left out of the
 * check by id. Its writes run whether or not the final select reads them.)
 */
const SETTLE_COPIES = `
  with answered as (
    select id, audience from item_cards where item_id = $1 and moved_at is null and audience = any($2::text[])
    order by array_position($2::text[], audience) limit 1
  ), marked as (
    update item_cards set version = $3 where id in (select id from answered) and version < $3 returning id
  ), queued as (
    insert into card_redraws (item_id, queued_at)
    select $1, $4 where exists (
      select 1 from item_cards c where c.item_id = $1 and c.moved_at is null and c.version < $3 and c.id not in (select id from answered))
    on conflict (item_id) do nothing returning item_id
  )
  select (select audience from answered) as answered`;
// Room is what the cap leaves once the undelivered patches are counted (counting stops at the cap:
// the sender's open rows can run to thousands under load). One statement, as the sender asks before
// every claim.
const OLDEST_WITH_ROOM = `
  select item_id::float8 as id from card_redraws where queued_at <= $3 order by queued_at, item_id
  limit least($1::int, $2::int - (
    select count(*)::int from (select 1 from outbox where kind = 'patch' and sent_at is null and dead_at is null limit $2) open))`;
const DEFER = 'update card_redraws set queued_at = $2 where item_id = $1';
const TAKE = 'delete from card_redraws where item_id = $1 returning item_id';

/**
 * Marks the clicked copy (the first of `clickedAmong` the item has a live copy for) as drawn at
 * `version`, and queues the item for the redraw of its other older copies, if it has any. Returns
 * the clicked copy's audience (undefined when none of them has a live copy).
 */
export async function settleCopiesAfterChange(db: DbOrTx, itemId: number, clickedAmong: readonly string[], version: number, at: Date): Promise<string | undefined> {
  const [row] = await runFixed(db, SETTLE_COPIES, [itemId, arrayLiteral(clickedAmong), version, at.toISOString()]);
  return (row?.answered as string | null | undefined) ?? undefined;
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
