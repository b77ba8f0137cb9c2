import type { Tx } from '../../db/client.js';
import type { ItemRow } from '../../db/queries/items.js';
import { itemCardView, type ViewContext } from '../item-view.js';

/** The item's timeline lines as the cards show them (dossiers reuse it). */
export async function timelineForCards(tx: Tx, item: ItemRow, view: ViewContext) {
  return (await itemCardView(tx, item, 'observer', view)).timeline;
}
