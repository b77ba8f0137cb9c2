import type { ClockKind, ItemFacts, Level } from '../domain/clocks.js';
import type { Channel } from '../domain/channels.js';
import { runFixed } from '../db/built-once.js';
import type { DbOrTx } from '../db/client.js';
import type { ItemRow } from '../db/queries/items.js';

/**
 * The records the clocks hang on, in one statement (it runs on every change of every item, and
 * again for every redraw): the latest verification and rectification, the publications and the
 * extensions. One statement instead of four: here each statement costs more Node CPU than the
 * reading of its rows (docs/performance.md, session 7). Times inside the JSON are ISO 8601 with
 * an offset (the connection's zone is UTC), which `Date` reads exactly.
 */
const RECORDS_OF_ITEM = `
  select
    (select json_build_object('outcome', outcome, 'rectificationNeeded', rectification_needed, 'rectifyBy', rectify_by, 'at', at)
       from verifications where item_id = $1 order by id desc limit 1) as verification,
    (select json_agg(json_build_object('channel', channel, 'at', published_at) order by published_at)
       from publications where item_id = $1) as publications,
    (select done_at from rectifications where item_id = $1 order by id desc limit 1) as rectified_at,
    (select json_agg(json_build_object('clock', clock, 'due', new_due_at, 'at', at, 'reason', reason, 'by', by) order by id)
       from extensions where item_id = $1) as extensions`;

/** An item's records as the clocks need them, as read (see factsOf). */
export interface ItemRecords {
  verification: { outcome: string; rectificationNeeded: boolean; rectifyBy: string | null; at: string } | null;
  publications: { channel: string; at: string }[] | null;
  /** A timestamp as the server writes it (drizzle's driver leaves timestamps unparsed). */
  rectified_at: string | null;
  extensions: { clock: string; due: string; at: string; reason: string; by: string }[] | null;
}

/** The item's records the clocks hang on: one statement, by the item's id alone. */
export async function readItemRecords(db: DbOrTx, itemId: number): Promise<ItemRecords> {
  const [records] = (await runFixed(db, RECORDS_OF_ITEM, [itemId])) as unknown as [ItemRecords];
  return records;
}

/** Everything the clocks need about an item, from its row and its records. */
export async function loadFacts(db: DbOrTx, item: ItemRow): Promise<ItemFacts> {
  return factsOf(item, await readItemRecords(db, item.id));
}

/** The clocks' facts from the item's row and its records (read with readItemRecords). Pure. */
export function factsOf(item: ItemRow, records: ItemRecords): ItemFacts {
  const { verification, publications, rectified_at: rectifiedAt, extensions } = records;
  return {
    level: item.level as Level,
    kind: item.kind as ItemFacts['kind'],
    registeredAt: item.registeredAt,
    discoveredAt: item.discoveredAt,
    acknowledgedAt: item.acknowledgedAt ?? undefined,
    verification: verification
      ? {
          outcome: verification.outcome as 'true' | 'partly' | 'false',
          rectificationNeeded: verification.rectificationNeeded,
          rectifyBy: verification.rectifyBy ?? undefined,
          verifiedAt: new Date(verification.at),
        }
      : undefined,
    publications: (publications ?? []).map((p) => ({ channel: p.channel as Channel, at: new Date(p.at) })),
    rectifiedAt: rectifiedAt === null ? undefined : new Date(rectifiedAt),
    extensions: (extensions ?? []).map((e) => ({ clock: e.clock as ClockKind, due: new Date(e.due), at: new Date(e.at), reason: e.reason, by: e.by })),
  };
}
