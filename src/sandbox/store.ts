import { randomBytes } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sandboxChats, sandboxMessages } from '../db/schema/index.js';

export type SandboxChat = typeof sandboxChats.$inferSelect;
export type SandboxMessage = typeof sandboxMessages.$inferSelect;

export const newMessageId = () => `om_sb_${randomBytes(12).toString('hex')}`;
export const newChatId = () => `oc_sb_${randomBytes(10).toString('hex')}`;

export async function findChat(db: Db, chatId: string): Promise<SandboxChat | undefined> {
  const [row] = await db.select().from(sandboxChats).where(eq(sandboxChats.chatId, chatId));
  return row;
}

export async function findChatByUuid(db: Db, uuid: string): Promise<SandboxChat | undefined> {
  const [row] = await db.select().from(sandboxChats).where(eq(sandboxChats.createUuid, uuid));
  return row;
}

/** A person's private chat with the bot, created on first use. */
export async function privateChatOf(db: Db, openId: string, name: string, at: Date): Promise<SandboxChat> {
  const [existing] = await db.select().from(sandboxChats).where(and(eq(sandboxChats.kind, 'p2p'), eq(sandboxChats.owner, openId)));
  if (existing) return existing;
  const [row] = await db
    .insert(sandboxChats)
    .values({ chatId: `oc_sb_p2p_${openId}`, name, kind: 'p2p', owner: openId, members: [openId], createdAt: at })
    .onConflictDoNothing()
    .returning();
  return row ?? (await findChat(db, `oc_sb_p2p_${openId}`))!;
}

export async function insertChat(db: Db, chat: typeof sandboxChats.$inferInsert): Promise<SandboxChat> {
  const [row] = await db.insert(sandboxChats).values(chat).returning();
  return row!;
}

export async function addChatMembers(db: Db, chatId: string, openIds: string[]): Promise<void> {
  const chat = await findChat(db, chatId);
  if (!chat) return;
  const members = [...new Set([...chat.members, ...openIds])];
  await db.update(sandboxChats).set({ members }).where(eq(sandboxChats.chatId, chatId));
}

export async function chatsOf(db: Db, openId: string): Promise<SandboxChat[]> {
  return db
    .select()
    .from(sandboxChats)
    .where(sql`${openId} = any(${sandboxChats.members})`)
    .orderBy(asc(sandboxChats.createdAt));
}

export async function insertMessage(db: Db, message: Omit<typeof sandboxMessages.$inferInsert, 'messageId' | 'urgentFor'> & { messageId?: string }): Promise<SandboxMessage> {
  const [row] = await db
    .insert(sandboxMessages)
    .values({ ...message, messageId: message.messageId ?? newMessageId(), urgentFor: [] })
    .returning();
  return row!;
}

export async function findMessage(db: Db, messageId: string): Promise<SandboxMessage | undefined> {
  const [row] = await db.select().from(sandboxMessages).where(eq(sandboxMessages.messageId, messageId));
  return row;
}

export async function findMessageByUuid(db: Db, uuid: string): Promise<SandboxMessage | undefined> {
  const [row] = await db.select().from(sandboxMessages).where(eq(sandboxMessages.uuid, uuid));
  return row;
}

export async function updateMessageContent(db: Db, messageId: string, content: unknown, at: Date): Promise<void> {
  await db.update(sandboxMessages).set({ content, updatedAt: at }).where(eq(sandboxMessages.messageId, messageId));
}

export async function markUrgent(db: Db, messageId: string, openIds: string[]): Promise<void> {
  const message = await findMessage(db, messageId);
  if (!message) return;
  await db
    .update(sandboxMessages)
    .set({ urgentFor: [...new Set([...message.urgentFor, ...openIds])] })
    .where(eq(sandboxMessages.messageId, messageId));
}

export async function messagesOf(db: Db, chatId: string): Promise<SandboxMessage[]> {
  return db.select().from(sandboxMessages).where(eq(sandboxMessages.chatId, chatId)).orderBy(asc(sandboxMessages.id));
}
