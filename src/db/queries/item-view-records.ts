import { runFixed } from '../built-once.js';
import type { DbOrTx } from '../client.js';
import { rowFromJson } from '../json-rows.js';
import { assessments, auditLog, itemCards, leads } from '../schema/index.js';
import type { AssessmentRow } from './assessments.js';
import type { ItemCardRow } from './items.js';
import type { LeadRow } from './leads.js';

/**
 * What drawing an item's card reads besides the item, its units and its clocks' records, in one
 * statement (every change and every redraw makes it; each statement costs more Node CPU than the
 * reading of its rows, docs/performance.md): the live card copies (as liveCardsOf reads them: not
 * moved, by id), the newest lead it was registered from, the assessments it is linked to (oldest
 * link first) and its audit rows (oldest first).
 */
const VIEW_RECORDS_OF_ITEM = `
  select
    (select coalesce(json_agg(c order by c.id), '[]') from item_cards c where c.item_id = $1 and c.moved_at is null) as cards,
    (select row_to_json(l) from leads l where l.item_id = $1 and l.status = 'registered' order by l.id desc limit 1) as lead,
    (select coalesce(json_agg(json_build_object('assessment', a, 'keyword', k.keyword) order by k.id), '[]')
       from assessment_links k join assessments a on a.id = k.assessment_id where k.item_id = $1) as assessments,
    (select coalesce(json_agg(t order by t.at, t.id), '[]') from audit_log t where t.item_id = $1) as timeline`;

export type AuditRow = typeof auditLog.$inferSelect;

export interface ItemViewRecords {
  cards: ItemCardRow[];
  lead?: LeadRow;
  assessments: { assessment: AssessmentRow; keyword: string }[];
  timeline: AuditRow[];
}

type Json = Record<string, unknown>;

export async function readItemViewRecords(db: DbOrTx, itemId: number): Promise<ItemViewRecords> {
  const [row] = (await runFixed(db, VIEW_RECORDS_OF_ITEM, [itemId])) as unknown as [{ cards: Json[]; lead: Json | null; assessments: { assessment: Json; keyword: string }[]; timeline: Json[] }];
  return {
    cards: row.cards.map((card) => rowFromJson(itemCards, card)),
    lead: row.lead ? rowFromJson(leads, row.lead) : undefined,
    assessments: row.assessments.map(({ assessment, keyword }) => ({ assessment: rowFromJson(assessments, assessment), keyword })),
    timeline: row.timeline.map((entry) => rowFromJson(auditLog, entry)),
  };
}
