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
import { cardViewFor, loadItemView, type CardVariant, type ViewContext } from './item-view.js';
import { syncDeadlines } from './deadlines.js';

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
  /** Each audience's card. */
  cards: Map<string, Record<string, unknown>>;
  /** The clicked copy: the first of `clickedAmong` with a live copy. */
  answered?: string;
}

/**
 * Sends the card to audiences that have none yet, and patches older copies to the item's version.
 * The copy that was just clicked (the first of `clickedAmong` that has a live copy) is not
 * patched: the click's answer carries its card, taken from the result.
 */
export async function syncItemCards(tx: Tx, item: ItemRow, ctx: ViewContext, clickedAmong: readonly string[] = []): Promise<SyncedCards> {
  // Every change passes here, so the clocks and reminders move with the cards, in one transaction.
  const facts = await syncDeadlines(tx, item, ctx);
  const cards = new Map<string, Record<string, unknown>>();
  // Reads only, sent together: postgres.js pipelines them on the transaction's connection.
  const [audiences, liveCards, data] = await Promise.all([audiencesOf(tx, item), liveCardsOf(tx, item.id), loadItemView(tx, item, ctx, facts)]);
  const live = new Map(liveCards.map((card) => [card.audience, card]));
  const answered = clickedAmong.find((audience) => live.has(audience));
  // Older copies and their new cards, patched after the loop.
  const stale: { copy: ItemCardRow; card: Record<string, unknown> }[] = [];
  // One read of the units for every copy's role and the unit list.
  const activeUnits = await listActiveUnits(tx);
  const roleOf = new Map(activeUnits.map((unit) => [unit.code, unit.role]));
  // Only the news office's copy of an item without a lead unit offers the unit list.
  const unitChoices = data.hasLead ? [] : activeUnits.filter((unit) => unit.role !== 'news_office').map((unit) => ({ code: unit.code, name: unit.name }));
  for (const audience of audiences) {
    // (A deactivated unit still leading an item is not in the active list.)
    const unitRole = audience.unitCode ? (roleOf.get(audience.unitCode) ?? (await findUnit(tx, audience.unitCode))?.role) : undefined;
    const view = cardViewFor(data, item, audience.variant, { mention: audience.mention, unitChoices, unitRole });
    const card = itemCard(view);
    cards.set(audience.key, card);
    const existing = live.get(audience.key);
    live.delete(audience.key);
    if (!existing) {
      const sendKey = `card:${item.id}:${audience.key}:${item.version}`;
      await enqueueOutbox(tx, sendKey, { kind: 'send', target: audience.target, message: { msgType: 'interactive', card } }, ctx.now);
      await insertItemCard(tx, { itemId: item.id, audience: audience.key, variant: audience.variant, unitCode: audience.unitCode ?? null, sendKey, version: item.version, sentAt: ctx.now });
      if (audience.buzz && audience.buzz.length > 0) {
        await enqueueOutbox(tx, `buzz:${sendKey}`, { kind: 'urgent', to: { sendKey, receiver: audience.key }, lane: audience.key, openIds: audience.buzz }, ctx.now);
      }
    } else if (existing.version < item.version) {
      stale.push({ copy: existing, card });
    }
  }
  // Copies whose audience no longer follows the item (e.g. the former lead unit) still show the
  // truth, without actions.
  for (const existing of live.values()) {
    if (existing.version >= item.version) continue;
    const card = itemCard(cardViewFor(data, item, 'observer'));
    cards.set(existing.audience, card);
    stale.push({ copy: existing, card });
  }
  // The patches, and every copy brought to the item's version in one statement, sent together
  // once every card is built (a card that fails to build leaves no write in flight).
  await Promise.all([
    ...stale.map(({ copy, card }) => queuePatch(tx, copy, card, item.version, ctx.now, copy.audience === answered)),
    setCardVersions(tx, stale.map(({ copy }) => copy.id), item.version),
  ]);
  return { cards, answered };
}

/** The patch that brings an older copy to `version`; none for the copy the click's answer redraws. */
async function queuePatch(tx: Tx, copy: ItemCardRow, card: Record<string, unknown>, version: number, at: Date, answeredByClick: boolean) {
  if (answeredByClick) return;
  await enqueueOutbox(tx, `patch:${copy.id}:v${version}`, { kind: 'patch', to: { sendKey: copy.sendKey, receiver: copy.audience }, lane: copy.audience, card, version }, at);
}
