import { itemCard } from '../../cards/item.js';
import type { Tx } from '../db/client.js';
import { insertItemCard, setCardVersions, unitsOfItem, type ItemCardRow, type ItemRow } from '../db/queries/items.js';
import { readItemViewRecords } from '../db/queries/item-view-records.js';
import {
  countyLeadersOverseeing,
  effectiveChatId,
  effectiveRoster,
  findNewsOfficeUnit,
  findUnit,
  listActiveUnits,
  openIdsOf,
} from '../db/queries/organisation.js';
import { enqueueOutbox } from '../db/queries/outbox.js';
import { units as unitsTable } from '../db/schema/index.js';
import { and, eq } from 'drizzle-orm';
import { settleCopiesAfterChange } from '../db/queries/card-redraws.js';
import { cardViewFor, loadItemView, type CardVariant, type ViewContext } from './item-view.js';
import { syncDeadlines, type DeadlineInputs, type ItemClocks } from './deadlines.js';

/**
 * One card per (item, audience) (DESIGN.md §5): the news office, the lead unit, each cooperating
 * unit, and for major items the propaganda dept, the government office and the overseeing county
 * leaders. Audiences are worked out from the item's units and the organisation now; a new audience
 * gets a new card, an existing copy is patched to the item's version.
 */

export interface Audience {
  /** `chat:oc_…` or `user:ou_…` */
  key: string;
  target: { chatId: string } | { openId: string };
  variant: CardVariant;
  unitCode?: string;
  mention?: string[];
  /** Buzz these people when the card first arrives (major items, DESIGN.md R9). */
  buzz?: string[];
}

async function unitAudiences(tx: Tx, unitCode: string, variant: CardVariant, mentionRoles: ('leader' | 'liaison')[]): Promise<Audience[]> {
  const chatId = await effectiveChatId(tx, unitCode);
  const roster = await effectiveRoster(tx, unitCode);
  const mention = await openIdsOf(tx, mentionRoles.flatMap((role) => roster[role]));
  if (chatId) return [{ key: `chat:${chatId}`, target: { chatId }, variant, unitCode, mention }];
  // No group bound: each person in private (their own copy, no @ needed).
  const people = await openIdsOf(tx, [...new Set([...roster.leader, ...roster.liaison, ...roster.member])]);
  return people.map((openId) => ({ key: `user:${openId}`, target: { openId }, variant, unitCode }));
}

async function unitsWithRole(tx: Tx, role: string): Promise<string[]> {
  const rows = await tx.select({ code: unitsTable.code }).from(unitsTable).where(and(eq(unitsTable.role, role), eq(unitsTable.active, true)));
  return rows.map((row) => row.code);
}

export async function audiencesOf(tx: Tx, item: ItemRow): Promise<Audience[]> {
  const major = item.level === 'major' || item.level === 'critical';
  const { lead, cooperating } = await unitsOfItem(tx, item.id);
  const list: Audience[] = [];
  const news = await findNewsOfficeUnit(tx);
  if (news) list.push(...(await unitAudiences(tx, news.code, 'news', [])));
  if (lead) list.push(...(await unitAudiences(tx, lead, 'lead', major ? ['liaison', 'leader'] : ['liaison'])));
  for (const code of cooperating) list.push(...(await unitAudiences(tx, code, 'cooperating', ['liaison'])));
  if (major && lead) {
    for (const role of ['propaganda', 'government_office']) {
      for (const code of await unitsWithRole(tx, role)) list.push(...(await unitAudiences(tx, code, 'observer', [])));
    }
    for (const openId of await countyLeadersOverseeing(tx, lead)) {
      list.push({ key: `user:${openId}`, target: { openId }, variant: 'leader', buzz: [openId] });
    }
  }
  // A chat or person already reached keeps its first (most involved) role.
  const seen = new Set<string>();
  return list.filter((audience) => !seen.has(audience.key) && seen.add(audience.key));
}

export interface SyncedCards {
  /** The cards drawn: new copies', and the clicked copy's. */
  cards: Map<string, Record<string, unknown>>;
  /** The clicked copy: the first of `clickedAmong` with a live copy. */
  answered?: string;
}

/**
 * An audience of the item with its live copy, if it has one; or a live copy whose audience no
 * longer follows the item (e.g. the former lead unit): it still shows the truth, without actions.
 */
type Copy = { key: string; audience: Audience; existing?: ItemCardRow } | { key: string; audience?: undefined; existing: ItemCardRow };

/** What drawing any copy of the item needs, read once per change. */
interface Drawing {
  copies: Copy[];
  draw(audience: Pick<Audience, 'variant' | 'mention' | 'unitCode'> | undefined): Promise<Record<string, unknown>>;
}

async function prepareDrawing(tx: Tx, item: ItemRow, ctx: ViewContext, clocks?: ItemClocks): Promise<Drawing> {
  // Reads only, sent together: postgres.js pipelines them on the transaction's connection.
  const records = readItemViewRecords(tx, item.id);
  const [audiences, { cards: liveCards }, data, activeUnits] = await Promise.all([audiencesOf(tx, item), records, loadItemView(tx, item, ctx, clocks, records), listActiveUnits(tx)]);
  const roleOf = new Map(activeUnits.map((unit) => [unit.code, unit.role]));
  // Only the news office's copy of an item without a lead unit offers the unit list.
  const unitChoices = data.hasLead ? [] : activeUnits.filter((unit) => unit.role !== 'news_office').map((unit) => ({ code: unit.code, name: unit.name }));
  const live = new Map(liveCards.map((card) => [card.audience, card]));
  const copies: Copy[] = audiences.map((audience) => ({ key: audience.key, audience, existing: live.get(audience.key) }));
  const followed = new Set(audiences.map((audience) => audience.key));
  for (const existing of liveCards) if (!followed.has(existing.audience)) copies.push({ key: existing.audience, existing });
  return {
    copies,
    async draw(audience = FORMER_AUDIENCE) {
      // (A deactivated unit still leading an item is not in the active list.)
      const unitRole = audience.unitCode ? (roleOf.get(audience.unitCode) ?? (await findUnit(tx, audience.unitCode))?.role) : undefined;
      return itemCard(cardViewFor(data, item, audience.variant, { mention: audience.mention, unitChoices, unitRole }));
    },
  };
}

/** How a copy whose audience no longer follows the item is drawn. */
const FORMER_AUDIENCE: Pick<Audience, 'variant' | 'mention' | 'unitCode'> = { variant: 'observer' };

/**
 * After a change: sends the card to audiences that have none yet, and draws the clicked copy (the
 * first of `clickedAmong` that has a live copy), which the click's answer carries. The other older
 * copies are left to the redraw queue (redrawItemCopies, after the commit, at the pace Lark takes
 * patches): a click does not wait for them, and a burst of changes to one item is one redraw.
 * `inputs`: the clocks' reads, when the caller sent them with its change (syncDeadlines).
 */
export async function syncItemCards(tx: Tx, item: ItemRow, ctx: ViewContext, clickedAmong: readonly string[] = [], inputs?: DeadlineInputs): Promise<SyncedCards> {
  // Every change passes here, so the clocks and reminders move with the cards, in one transaction.
  // The card's reads go out with the clocks' writes, and with them the statement that marks the
  // clicked copy, queues the others and says which copy was clicked (it needs nothing the reads return).
  const [drawing, answered] = await syncDeadlines(tx, item, ctx, (clocks) => Promise.all([prepareDrawing(tx, item, ctx, clocks), settleCopiesAfterChange(tx, item.id, clickedAmong, item.version, ctx.now)]), inputs);
  const cards = new Map<string, Record<string, unknown>>();
  for (const { key, audience, existing } of drawing.copies) {
    if (key === answered) {
      cards.set(key, await drawing.draw(audience));
    } else if (audience && !existing) {
      const card = await drawing.draw(audience);
      cards.set(key, card);
      const sendKey = `card:${item.id}:${key}:${item.version}`;
      await enqueueOutbox(tx, sendKey, { kind: 'send', target: audience.target, message: { msgType: 'interactive', card } }, ctx.now);
      await insertItemCard(tx, { itemId: item.id, audience: key, variant: audience.variant, unitCode: audience.unitCode ?? null, sendKey, version: item.version, sentAt: ctx.now });
      if (audience.buzz && audience.buzz.length > 0) {
        await enqueueOutbox(tx, `buzz:${sendKey}`, { kind: 'urgent', to: { sendKey, receiver: key }, lane: key, openIds: audience.buzz }, ctx.now);
      }
    }
  }
  return { cards, answered };
}

/**
 * Brings every older copy of the item to its version: patches drawn from the item as it is now,
 * and the copies marked, in the caller's transaction (which holds the item). Returns the number
 * of patches queued.
 */
export async function redrawItemCopies(tx: Tx, item: ItemRow, ctx: ViewContext): Promise<number> {
  const drawing = await prepareDrawing(tx, item, ctx);
  const stale: { copy: ItemCardRow; card: Record<string, unknown> }[] = [];
  for (const { audience, existing } of drawing.copies) {
    if (existing && existing.version < item.version) stale.push({ copy: existing, card: await drawing.draw(audience) });
  }
  // Sent together once every card is built (a card that fails to build leaves no write in flight).
  await Promise.all([
    ...stale.map(({ copy, card }) =>
      enqueueOutbox(tx, `patch:${copy.id}:v${item.version}`, { kind: 'patch', to: { sendKey: copy.sendKey, receiver: copy.audience }, lane: copy.audience, card, version: item.version }, ctx.now),
    ),
    setCardVersions(tx, stale.map(({ copy }) => copy.id), item.version),
  ]);
  return stale.length;
}
