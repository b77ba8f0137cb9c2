import { and, eq, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { people } from '../db/schema/index.js';
import type { LarkGateway } from '../lark/gateway.js';
import { auditedChange } from '../workflow/audited.js';

/**
 * People the organisation file names by mobile or email get their open_id from the contact API
 * (DESIGN.md §2a). Someone Lark does not know stays unresolved and is reported, never guessed.
 */
export async function resolvePeopleOpenIds(db: Db, gateway: LarkGateway, at: Date, log: Logger): Promise<{ resolved: number; unresolved: string[] }> {
  const pending = await db
    .select({ key: people.key })
    .from(people)
    .where(and(isNull(people.openId), eq(people.active, true)))
    .orderBy(people.key);
  if (pending.length === 0) return { resolved: 0, unresolved: [] };
  // Lark returns mainland mobiles without the country code.
  const asAsked = (key: string) => key.replace(/^\+86(?=1\d{10}$)/, '');
  const mobiles = pending.map((p) => p.key).filter((key) => !key.includes('@'));
  const emails = pending.map((p) => p.key).filter((key) => key.includes('@'));
  const found = await gateway.openIdsByContact({ mobiles: mobiles.map(asAsked), emails });
  let resolved = 0;
  const unresolved: string[] = [];
  for (const { key } of pending) {
    const openId = found.get(asAsked(key)) ?? found.get(key);
    if (!openId) {
      unresolved.push(key);
      continue;
    }
    const [holder] = await db.select({ key: people.key }).from(people).where(eq(people.openId, openId));
    if (holder) {
      log.warn({ person: key, alsoListedAs: holder.key }, 'the organisation file names one person twice (by open_id and by mobile or email); keeping the first');
      unresolved.push(key);
      continue;
    }
    await auditedChange(db, { at, actor: 'system:contact-api', action: 'org.person.resolved', subject: `person:${key}` }, async (tx) => {
      await tx.update(people).set({ openId, updatedAt: at }).where(eq(people.key, key));
      return { before: { openId: null }, after: { openId }, value: undefined };
    });
    resolved += 1;
  }
  if (unresolved.length > 0) {
    log.warn({ unresolved }, 'people in the organisation file that Lark does not know by mobile or email; check them, or give their open_id');
  }
  return { resolved, unresolved };
}
