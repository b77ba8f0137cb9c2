import type { ItemFacts, Level } from '../domain/clocks.js';
import type { Channel } from '../domain/channels.js';
import type { DbOrTx } from '../db/client.js';
import type { ItemRow } from '../db/queries/items.js';
import { extensionsOf, latestRectification, latestVerification, publicationsOf } from '../db/queries/records.js';
import type { ClockKind } from '../domain/clocks.js';

/** Everything the clocks need about an item, from its row and its records. */
export async function loadFacts(db: DbOrTx, item: ItemRow): Promise<ItemFacts> {
  // Sent together: postgres.js pipelines them on the connection, one round trip for the four.
  const [verification, publications, rectification, extended] = await Promise.all([
    latestVerification(db, item.id),
    publicationsOf(db, item.id),
    latestRectification(db, item.id),
    extensionsOf(db, item.id),
  ]);
  return {
    level: item.level as Level,
    kind: item.kind as ItemFacts['kind'],
    registeredAt: item.registeredAt,
    discoveredAt: item.discoveredAt,
    acknowledgedAt: item.acknowledgedAt ?? undefined,
    verification: verification && {
      outcome: verification.outcome as 'true' | 'partly' | 'false',
      rectificationNeeded: verification.rectificationNeeded,
      rectifyBy: verification.rectifyBy ?? undefined,
      verifiedAt: verification.at,
    },
    publications: publications.map((p) => ({ channel: p.channel as Channel, at: p.publishedAt })),
    rectifiedAt: rectification?.doneAt,
    extensions: extended.map((e) => ({ clock: e.clock as ClockKind, due: e.newDueAt, at: e.at, reason: e.reason, by: e.by })),
  };
}
