import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { deferCardRedraw, oldestCardRedraws, takeCardRedraw } from '../db/queries/card-redraws.js';
import { shareItem } from '../db/queries/items.js';
import { redrawItemCopies } from './item-cards.js';
import type { ViewContext } from './item-view.js';

export interface RedrawOptions {
  /** Items redrawn at most per call. */
  batch?: number;
  /**
   * Patches allowed to wait for the sender. Lark takes about 50 patches a second from the app:
   * while this many wait, more redraws would only draw cards that a later change makes stale, so
   * the queue waits, and a burst of changes to one item comes out as one patch per copy.
   */
  backlog?: number;
}

export const DEFAULT_REDRAW_BATCH = 40;
export const DEFAULT_PATCH_BACKLOG = 80;
const RETRY_AFTER_MS = 60_000;

/**
 * Redraws the queued items' older card copies, oldest first, one transaction per item (holding it,
 * so a concurrent change waits, then queues the item again). Called by the outbox sender
 * before each sweep. Returns the number of items redrawn.
 */
export async function redrawQueuedCards(db: Db, view: ViewContext, log: Logger, options: RedrawOptions = {}): Promise<number> {
  const itemIds = await oldestCardRedraws(db, options.batch ?? DEFAULT_REDRAW_BATCH, options.backlog ?? DEFAULT_PATCH_BACKLOG, view.now);
  let redrawn = 0;
  for (const itemId of itemIds) {
    try {
      const patches = await db.transaction(async (tx) => {
        // Held from change, but not from the reminder sweeper, which skips items it cannot share
        // (a redraw changes neither clocks nor reminders). Two redraws may both hold it: the delete
        // of the queue row lets only one through. Sent together: the lock comes before the delete.
        const [item, taken] = await Promise.all([shareItem(tx, itemId), takeCardRedraw(tx, itemId)]);
        // Taken by another process meanwhile, or nothing left to draw.
        if (!taken || !item) return undefined;
        return redrawItemCopies(tx, item, view);
      });
      if (patches === undefined) continue;
      redrawn += 1;
      log.debug({ item: itemId, patches }, 'item card copies redrawn');
    } catch (error) {
      // Left queued and held back for a minute (not retried at every sweep); the other items go on.
      log.error({ err: error, item: itemId }, 'could not redraw the item card copies; will try again');
      await deferCardRedraw(db, itemId, new Date(view.now.getTime() + RETRY_AFTER_MS)).catch(() => undefined);
    }
  }
  return redrawn;
}
