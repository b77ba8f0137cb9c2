import { itemCard } from '../../cards/item.js';
import type { Tx } from '../db/client.js';
import { liveCardsOf, insertItemCard, setCardVersions, unitsOfItem, type ItemCardRow, type ItemRow } from '../db/queries/items.js';
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
import { queueCardRedraw } from '../db/queries/card-redraws.js';
import { cardViewFor, loadItemView, type CardVariant, type ViewContext } from './item-view.js';
import { syncDeadlines, type ItemClocks } from './deadlines.js';

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

/** What drawing any copy of the item needs, read once per change. */
interface Drawing {
  audiences: Audience[];
  /** Live copies by audience. */
  live: Map<string, ItemCardRow>;
  draw(audience: Pick<Audience, 'variant' | 'mention' | 'unitCode'>): Promise<Record<string, unknown>>;
}

async function prepareDrawing(tx: Tx, item: ItemRow, ctx: ViewContext, clocks?: ItemClocks): Promise<Drawing> {
  // Reads only, sent together: postgres.js pipelines them on the transaction's connection.
  const [audiences, liveCards, data, activeUnits] = await Promise.all([audiencesOf(tx, item), liveCardsOf(tx, item.id), loadItemView(tx, item, ctx, clocks), listActiveUnits(tx)]);
  const roleOf = new Map(activeUnits.map((unit) => [unit.code, unit.role]));
  // Only the news office's copy of an item without a lead unit offers the unit list.
  const unitChoices = data.hasLead ? [] : activeUnits.filter((unit) => unit.role !== 'news_office').map((unit) => ({ code: unit.code, name: unit.name }));
  return {
    audiences,
    live: new Map(liveCards.map((card) => [card.audience, card])),
    async draw(audience) {
      // (A deactivated unit still leading an item is not in the active list.)
      const unitRole = audience.unitCode ? (roleOf.get(audience.unitCode) ?? (await findUnit(tx, audience.unitCode))?.role) : undefined;
      return itemCard(cardViewFor(data, item, audience.variant, { mention: audience.mention, unitChoices, unitRole }));
    },
  };
}

/** Copies whose audience no longer follows the item (e.g. the former lead unit) still show the truth, without actions. */
const FORMER_AUDIENCE = { variant: 'observer' } as const;

/**
 * After a change: sends the card to audiences that have none yet, and draws the clicked copy (the
 * first of `clickedAmong` that has a live copy), which the click's answer carries. The other older
 * copies are left to the redraw queue (redrawItemCopies, after the commit, at the pace Lark takes
 * patches): a click does not wait for them, and a burst of changes to one item is one redraw.
 */
export async function syncItemCards(tx: Tx, item: ItemRow, ctx: ViewContext, clickedAmong: readonly string[] = []): Promise<SyncedCards> {
  // Every change passes here, so the clocks and reminders move with the cards, in one transaction.
  const clocks = await syncDeadlines(tx, item, ctx);
  const drawing = await prepareDrawing(tx, item, ctx, clocks);
  const live = new Map(drawing.live);
  const answered = clickedAmong.find((audience) => live.has(audience));
  const cards = new Map<string, Record<string, unknown>>();
  let answeredCopy: ItemCardRow | undefined;
  let othersStale = false;
  for (const audience of drawing.audiences) {
    const existing = live.get(audience.key);
    live.delete(audience.key);
    if (audience.key === answered) {
      cards.set(audience.key, await drawing.draw(audience));
      if (existing!.version < item.version) answeredCopy = existing;
    } else if (!existing) {
      const card = await drawing.draw(audience);
      cards.set(audience.key, card);
      const sendKey = `card:${item.id}:${audience.key}:${item.version}`;
      await enqueueOutbox(tx, sendKey, { kind: 'send', target: audience.target, message: { msgType: 'interactive', card } }, ctx.now);
      await insertItemCard(tx, { itemId: item.id, audience: audience.key, variant: audience.variant, unitCode: audience.unitCode ?? null, sendKey, version: item.version, sentAt: ctx.now });
      if (audience.buzz && audience.buzz.length > 0) {
        await enqueueOutbox(tx, `buzz:${sendKey}`, { kind: 'urgent', to: { sendKey, receiver: audience.key }, lane: audience.key, openIds: audience.buzz }, ctx.now);
      }
    } else if (existing.version < item.version) {
      othersStale = true;
    }
  }
  for (const existing of live.values()) {
    if (existing.version >= item.version) continue;
    if (existing.audience === answered) {
      cards.set(existing.audience, await drawing.draw(FORMER_AUDIENCE));
      answeredCopy = existing;
    } else {
      othersStale = true;
    }
  }
  await Promise.all([
    answeredCopy ? setCardVersions(tx, [answeredCopy.id], item.version) : undefined,
    othersStale ? queueCardRedraw(tx, item.id, ctx.now) : undefined,
  ]);
  return { cards, answered };
}

/**
 * Brings every older copy of the item to its version: patches drawn from the item as it is now,
 * and the copies marked, in the caller's transaction (which holds the item). Returns the number
 * of patches queued.
 */
export async function redrawItemCopies(tx: Tx, item: ItemRow, ctx: ViewContext): Promise<number> {
  const drawing = await prepareDrawing(tx, item, ctx);
  const live = new Map(drawing.live);
  const stale: { copy: ItemCardRow; card: Record<string, unknown> }[] = [];
  for (const audience of drawing.audiences) {
    const existing = live.get(audience.key);
    live.delete(audience.key);
    if (existing && existing.version < item.version) stale.push({ copy: existing, card: await drawing.draw(audience) });
  }
  for (const existing of live.values()) {
    if (existing.version < item.version) stale.push({ copy: existing, card: await drawing.draw(FORMER_AUDIENCE) });
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
