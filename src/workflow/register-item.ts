import type { Category } from '../domain/registration.js';
import { can } from '../domain/permissions.js';
import { normalizeUrl } from '../domain/links.js';
import { routeItem, type RoutingResult } from '../domain/routing.js';
import { localCompactDateKey } from '../domain/time.js';
import type { Level, ItemKind } from '../domain/clocks.js';
import type { Tx } from '../db/client.js';
import { allocateRefNumber, findItemsByUrlKey, insertItem, setItemUnits, type ItemRow } from '../db/queries/items.js';
import { findUnit, listActiveUnits } from '../db/queries/organisation.js';
import { linkLeadToItem } from '../db/queries/leads.js';
import { keywordRules } from '../db/schema/index.js';
import { eq } from 'drizzle-orm';
import { standingRoles, type Actor } from './actor.js';
import { auditedChangeInTx } from './audited.js';
import { ensureAllowed, InputError } from './errors.js';
import { syncItemCards } from './item-cards.js';
import type { ViewContext } from './item-view.js';
import { STATE_LABELS_ZH } from '../domain/lifecycle.js';
import { linkItemToAssessments } from './assessments.js';

/** A registration with units already resolved to codes (the command or form did the parsing). */
export interface NewItem {
  title: string;
  summary?: string;
  source?: string;
  url?: string;
  postedAt?: Date;
  discoveredAt: Date;
  spread?: { views?: number; reposts?: number; comments?: number };
  propagationPath?: string;
  commentSituation?: string;
  netizenViews?: string;
  category: Category;
  level: Level;
  kind: ItemKind;
  drill: boolean;
  /** Register even when the link matches an existing item. */
  force: boolean;
  leadUnit?: string;
  cooperatingUnits: string[];
  /** The lead (线索) this registers: linked before the cards go out, so they name its reporter. */
  fromLead?: number;
}

export type RegisterOutcome =
  | { kind: 'registered'; item: ItemRow; routing: RoutingResult }
  | { kind: 'duplicate'; existing: ItemRow };

async function keywordUnits(tx: Tx) {
  const rows = await tx.select().from(keywordRules).where(eq(keywordRules.active, true));
  const units = await listActiveUnits(tx);
  return units.map((unit) => ({ code: unit.code, keywords: rows.filter((r) => r.unitCode === unit.code).map((r) => r.keyword) }));
}

/** R1–R4: one transaction that checks, numbers, routes, records and sends the cards. */
export async function registerItem(tx: Tx, input: NewItem, actor: Actor, ctx: ViewContext): Promise<RegisterOutcome> {
  ensureAllowed(can(standingRoles(actor), 'register'), 'register');
  let urlKey: string | undefined;
  if (input.url) {
    const normalised = normalizeUrl(input.url);
    if (!normalised.ok) throw new InputError(`链接：${normalised.messageZh}`);
    urlKey = normalised.url;
    const [existing] = await findItemsByUrlKey(tx, urlKey);
    if (existing && !input.force) return { kind: 'duplicate', existing };
  }

  const routing = routeItem({
    text: `${input.title}\n${input.summary ?? ''}`,
    units: await keywordUnits(tx),
    explicit: input.leadUnit ? { lead: input.leadUnit, cooperating: input.cooperatingUnits } : undefined,
  });
  const lead = routing.kind === 'ask_news_office' ? undefined : routing.lead;
  const cooperating = routing.kind === 'explicit' ? routing.cooperating : input.cooperatingUnits.filter((code) => code !== lead);

  const number = await allocateRefNumber(tx, localCompactDateKey(ctx.now, ctx.tz));
  const ref = `YQ-${localCompactDateKey(ctx.now, ctx.tz)}-${String(number).padStart(3, '0')}`;
  const state = lead ? 'dispatched' : 'registered';
  const item = await auditedChangeInTx(tx, { at: ctx.now, actor: actor.openId, action: 'item.registered', subject: `item:${ref}` }, async (t) => {
    const row = await insertItem(t, {
      ref,
      title: input.title,
      summary: input.summary ?? null,
      source: input.source ?? null,
      url: input.url ?? null,
      urlKey: urlKey ?? null,
      postedAt: input.postedAt ?? null,
      discoveredAt: input.discoveredAt,
      registeredAt: ctx.now,
      registeredBy: actor.openId,
      spread: input.spread ?? null,
      propagationPath: input.propagationPath ?? null,
      commentSituation: input.commentSituation ?? null,
      netizenViews: input.netizenViews ?? null,
      category: input.category,
      level: input.level,
      kind: input.kind,
      state,
      drill: input.drill,
      routingNote: routing.reasonZh,
      updatedAt: ctx.now,
    });
    await setItemUnits(t, row.id, { lead, cooperating }, ctx.now);
    return { value: row, extraAudit: [{ action: 'item.registered', itemId: row.id, subject: `item:${ref}`, before: null, after: { ref, state, level: input.level, kind: input.kind, lead: lead ?? null, cooperating, drill: input.drill } }] };
  });
  if (input.fromLead !== undefined) await linkLeadToItem(tx, input.fromLead, item.id, actor.openId, ctx.now);
  // Before the cards: they show the risk assessment (舆情风险评估) the item is linked to.
  await linkItemToAssessments(tx, item, actor.openId, ctx);
  await syncItemCards(tx, item, ctx);
  return { kind: 'registered', item, routing };
}

/** The Chinese pointer to an existing item, for a refused duplicate. */
export function duplicateMessage(existing: ItemRow): string {
  return `这条链接已经登记过：${existing.ref}「${existing.title}」（${STATE_LABELS_ZH[existing.state as keyof typeof STATE_LABELS_ZH] ?? existing.state}）。如确需再次登记，请加一行“强制: 是”。`;
}

export async function unitName(tx: Tx, code: string | undefined): Promise<string | undefined> {
  return code ? ((await findUnit(tx, code))?.name ?? code) : undefined;
}
