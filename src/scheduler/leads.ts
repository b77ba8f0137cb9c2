import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { claimLeadsToEscalate } from '../db/queries/leads.js';
import { auditLead, newsOfficeLeaders, syncLeadCards } from '../workflow/leads.js';
import type { ViewContext } from '../workflow/item-view.js';
import { formatMinutes } from '../workflow/present.js';

/**
 * A lead nobody handled within `policy.lead_escalation` goes once to the news office's leaders
 * (DESIGN.md §2c): each gets the lead card in private, so they can act on it, and every copy in
 * the news office shows that it was escalated. The claim marks the rows escalated in the same
 * statement (SKIP LOCKED, re-checked on update), so replicas and overlapping runs never double it.
 */
export async function escalateLeads(db: Db, view: ViewContext, log: Logger): Promise<number> {
  const cutoff = new Date(view.now.getTime() - view.policy.lead_escalation * 60_000);
  const escalated = await db.transaction(async (tx) => {
    const claimed = await claimLeadsToEscalate(tx, cutoff, view.now);
    if (claimed.length === 0) return 0;
    const leaders = await newsOfficeLeaders(tx);
    for (const lead of claimed) {
      await auditLead(tx, lead, 'system:clock', 'lead.escalated', view.now, { escalatedTo: leaders, after: formatMinutes(view.policy.lead_escalation) });
      await syncLeadCards(tx, lead, view, { alsoTo: leaders });
    }
    return claimed.length;
  });
  if (escalated > 0) log.info({ escalated }, 'unhandled leads escalated to the news office leaders');
  return escalated;
}
