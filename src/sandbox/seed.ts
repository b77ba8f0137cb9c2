import { randomBytes } from 'node:crypto';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { IntakeToken } from '../config.js';
import type { Db } from '../db/client.js';
import { effectiveRoster, listActiveUnits, openIdsOf } from '../db/queries/organisation.js';
import { chatBindings, people, sandboxChats, sandboxState } from '../db/schema/index.js';
import { bindUnitChat } from '../workflow/organisation.js';
import { addChatMembers, findChat, insertChat, privateChatOf } from './store.js';

/**
 * Gives every unit of the demo county its work group in the stand-in, with its people, and binds
 * it (as an admin would with `/yq bind`) unless someone already bound or unbound it.
 */
export async function seedSandboxChats(db: Db, at: Date): Promise<void> {
  for (const unit of await listActiveUnits(db)) {
    const roster = await effectiveRoster(db, unit.code);
    const members = await openIdsOf(db, [...new Set([...roster.leader, ...roster.liaison, ...roster.member])]);
    const chatId = `oc_sb_unit_${unit.code}`;
    if (await findChat(db, chatId)) await addChatMembers(db, chatId, members);
    else await insertChat(db, { chatId, name: `${unit.name}工作群`, kind: 'group', members, createdAt: at });
    const [binding] = await db.select().from(chatBindings).where(eq(chatBindings.unitCode, unit.code));
    if (!binding && !unit.fileChatId) await bindUnitChat(db, { unitCode: unit.code, chatId, actor: 'system:sandbox', at });
  }
  // Everyone has a private chat with the bot, as in Feishu once the app is available to them.
  const everyone = await db.select({ openId: people.openId }).from(people).where(and(eq(people.active, true), isNotNull(people.openId)));
  for (const { openId } of everyone) await privateChatOf(db, openId!, '舆情助手', at);
}

export async function sandboxChatCount(db: Db): Promise<number> {
  return (await db.select().from(sandboxChats)).length;
}

/** The source name of the sandbox's demo monitoring system (leads show 监测系统 sandbox-demo). */
export const SANDBOX_MONITOR_SOURCE = 'sandbox-demo';

/**
 * The bearer token of a demo monitoring system, so the page's 模拟监测推送 can push an alert to
 * `POST /api/intake` as a real system would. Generated once and kept in the sandbox database: it
 * exists only in sandbox mode (the sandbox database is never the production one) and is never
 * added to INTAKE_TOKENS.
 */
export async function sandboxIntakeToken(db: Db): Promise<IntakeToken> {
  const [row] = await db.select().from(sandboxState).where(eq(sandboxState.key, 'intake_demo_token'));
  if (row && typeof row.value === 'string') return { source: SANDBOX_MONITOR_SOURCE, token: row.value };
  const token = randomBytes(24).toString('hex');
  await db.insert(sandboxState).values({ key: 'intake_demo_token', value: token }).onConflictDoUpdate({ target: sandboxState.key, set: { value: token } });
  return { source: SANDBOX_MONITOR_SOURCE, token };
}
